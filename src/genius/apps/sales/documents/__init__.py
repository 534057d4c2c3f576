"""Sales documents for people: the invoice PDF (Romanian layout, through the ``pdf.render`` worker)
and the e-mail of PDF + XML to the customer (through ``email.send``).

``service`` decides what is ready and starts jobs; ``api`` is ``GET /invoices/{id}/pdf``,
``POST /invoices/{id}/email`` and ``GET /invoices/{id}/emails`` under ``/api/v1/sales``.
The layout itself is pure and shared with procurement: ``genius.fiscal.ro.efactura.readable``.
"""
