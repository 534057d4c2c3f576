"""The UBL element writers behind :func:`genius.fiscal.ro.efactura.build.build_xml` (private).

``elements`` (namespaces, small writers), ``parties`` (BG-4..BG-15), ``lines`` (BG-25..BG-32),
``document`` (header, references, payment, VAT, totals and :func:`~.document.to_element`).
"""
