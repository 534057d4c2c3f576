"""The sales domain: partners, products, numbering series, documents and their e-Factura attempts.

Pure: imports only the kernel, the fiscal packages and python-stdnum. Modules:
``addresses`` and ``identifiers`` (checked values), ``company`` (the seller), ``partners``,
``products``, ``series``, ``invoices`` (lifecycle), ``drafts`` (JSON form -> full invoice),
``submissions`` (ANAF attempts), ``errors`` (the app's error tree).
"""
