"""The UBL element writers behind :func:`genius.fiscal.ro.efactura.build.build_xml` (private).

``elements`` (namespaces, small writers), ``parties`` (BG-4..BG-15), ``lines`` (BG-25..BG-32),
``document`` (header, references, payment, VAT, totals and :func:`~.document.to_element`) fill the
reference tree (``tree``); ``text`` with ``text_parts``, ``text_parties`` and ``text_lines`` is the
fast path that writes the same bytes straight from the model when no text needs an escape or a check
(a change to one writer needs the same change in its ``text_*`` twin; ``test_build_fast`` compares them).
"""
