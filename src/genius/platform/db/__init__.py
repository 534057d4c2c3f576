"""Databases: engines, the control plane, per-tenant databases and their migrations.

Errors::

    GeniusError
    ├── NoTenantContext (PermissionDenied)   tenant data asked for outside a tenant context
    ├── TenantNotFound (NotFound)            no such tenant in the control plane
    └── MigrationFailed (GeniusError)        a component's migrations failed on one database
"""
