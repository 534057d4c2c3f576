"""Genius ERP: a multi-tenant, event-driven ERP for Romanian businesses."""

__version__ = "0.1.0"
