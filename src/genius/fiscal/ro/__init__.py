"""Romanian fiscal formats: e-Factura, SAF-T D406, e-Transport, VAT, chart of accounts."""
