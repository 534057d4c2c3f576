"""Business apps, one package per domain (sales, accounting, crm, ...)."""
