"""EN 16931 rules as ANAF bundles them with CIUS-RO 1.0.9 (model, syntax, code lists, decimals)."""
