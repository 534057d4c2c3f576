"""The D406 read model and export register (schema ``accounting``, names ``acc_saft_*``) as Core metadata.

The ledger knows amounts and accounts; a D406 also needs what only the issued documents say: the
company's and partners' addresses, the invoice lines with products and units, the partner IDs
ANAF wants. The ``accounting.saft`` consumer copies them from the sales events and the issued
UBL (``subscriptions``), so an export reads one database snapshot of accounting tables only.

* ``acc_saft_company``: one row; the seller party of the latest issued document (address, IBAN,
  phone) and what only a person can say (contact person, TaxAccountingBasis).
* ``acc_saft_partners``: identity from ``sales.partner.*``, billing address from documents,
  ``saft_id`` = the prefixed D406 partner ID (00+CUI, 01+EU VAT ID, 02/05/06, 04+code).
* ``acc_saft_documents`` / ``acc_saft_document_lines``: issued sales documents and their lines,
  amounts in the document currency (exact text) and in bani (lei, signed: credit notes negative).
* ``acc_saft_products``: items met on documents (code, name, unit, NC8 code).
* ``acc_saft_exports``: every export that succeeded (what, when, where it is stored, counts).
"""

from __future__ import annotations

from sqlalchemy import BigInteger, Column, Date, DateTime, Index, Integer, String, Table, Text

from genius.apps.accounting.tables import metadata

DEC = 40  # exact decimal text
TS = DateTime(timezone=True)
COMPANY_ROW = 1

company = Table(
    "acc_saft_company",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=False),
    # From the seller party (BG-4) of the latest issued document.
    Column("name", String(300)),
    Column("vat_id", String(30)),
    Column("street", String(300)),
    Column("city", String(100)),
    Column("postal_code", String(20)),
    Column("region", String(10)),
    Column("country_code", String(2)),
    Column("iban", String(34)),
    Column("telephone", String(100)),
    Column("email", String(200)),
    Column("document_id", String(64)),
    # Set by a person (API or CLI); override the document's values when given.
    Column("contact_first_name", String(100)),
    Column("contact_last_name", String(100)),
    Column("contact_telephone", String(100)),
    Column("contact_email", String(200)),
    Column("iban_override", String(34)),
    Column("tax_accounting_basis", String(10)),
    Column("updated_at", TS, nullable=False),
    Column("updated_by", String(64)),
)

partners = Table(
    "acc_saft_partners",
    metadata,
    Column("partner_id", String(64), primary_key=True),
    Column("kind", String(20)),
    Column("name", String(300), nullable=False),
    Column("cui", String(20)),
    Column("vat_id", String(30)),
    Column("country_code", String(2)),
    Column("saft_id", String(35)),
    Column("street", String(300)),
    Column("city", String(100)),
    Column("postal_code", String(20)),
    Column("region", String(10)),
    Column("address_country", String(2)),
    Column("updated_at", TS, nullable=False),
)

documents = Table(
    "acc_saft_documents",
    metadata,
    Column("id", String(64), primary_key=True),
    Column("source_type", String(40), nullable=False),  # the ledger's source type of its entry
    Column("number", String(70), nullable=False),
    Column("type_code", String(3), nullable=False),  # D406 InvoiceType: 380, 381, 384, 751
    Column("issue_date", Date, nullable=False),
    Column("tax_point_date", Date, nullable=False),
    Column("currency", String(3), nullable=False),
    Column("exchange_rate", String(DEC)),
    Column("partner_id", String(64)),
    Column("buyer_saft_id", String(35), nullable=False),
    Column("buyer_name", String(300), nullable=False),
    Column("street", String(300)),
    Column("city", String(100)),
    Column("postal_code", String(20)),
    Column("region", String(10)),
    Column("country_code", String(2), nullable=False),
    Column("corrected_number", String(70)),
    Column("status", String(12), nullable=False),  # issued | cancelled
    Column("net_bani", BigInteger, nullable=False),
    Column("vat_bani", BigInteger, nullable=False),
    Column("line_count", Integer, nullable=False),
    Column("xml_sha256", String(64)),
    Column("event_id", String(64)),
    Column("recorded_at", TS, nullable=False),
    Index("ix_acc_saft_documents_date", "issue_date", "status"),
)

document_lines = Table(
    "acc_saft_document_lines",
    metadata,
    Column("document_id", String(64), primary_key=True),
    Column("line_no", Integer, primary_key=True),
    Column("line_ref", String(70)),  # BT-126
    Column("description", String(256), nullable=False),
    Column("product_code", String(35), nullable=False),
    Column("quantity", String(DEC), nullable=False),  # signed: negative on a credit note
    Column("unit_code", String(9), nullable=False),
    Column("unit_price", String(DEC), nullable=False),  # document currency
    Column("net_amount", String(DEC), nullable=False),  # document currency, signed
    Column("net_bani", BigInteger, nullable=False),  # lei, signed
    Column("vat_category", String(2), nullable=False),
    Column("vat_rate", String(DEC)),
    Column("vat_bani", BigInteger, nullable=False),  # this line's share of its group's VAT, lei
    Column("vat_treatment", String(30), nullable=False),  # the ledger's treatment of the group
    Column("tax_code", String(6), nullable=False),  # ANAF tax code (D406 TaxCode)
    Column("goods_services", String(2)),  # 01 goods, 02 services, when known
)

products = Table(
    "acc_saft_products",
    metadata,
    Column("code", String(35), primary_key=True),
    Column("description", String(256), nullable=False),
    Column("unit_code", String(9), nullable=False),
    Column("commodity_code", String(8), nullable=False),
    Column("goods_services", String(2)),
    Column("updated_at", TS, nullable=False),
)

exports = Table(
    "acc_saft_exports",
    metadata,
    Column("id", String(64), primary_key=True),  # the job id (or a new id for the CLI)
    Column("period", String(10), nullable=False),  # 2026-10, 2026-Q3 or 2026
    Column("report_type", String(2), nullable=False),
    Column("first_day", Date, nullable=False),
    Column("last_day", Date, nullable=False),
    Column("storage_key", String(1024)),
    Column("file_name", String(255), nullable=False),
    Column("sha256", String(64), nullable=False),  # of the XML as filed
    Column("size", BigInteger, nullable=False),
    Column("stored_size", BigInteger),
    Column("summary", Text, nullable=False),  # JSON: counts and warnings
    Column("created_at", TS, nullable=False),
    Column("created_by", String(64)),
    Index("ix_acc_saft_exports_period", "period", "created_at"),
)
