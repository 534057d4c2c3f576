"""Romanian SAF-T (D406): a streaming XML writer, its typed input model, and a pre-validator.

Pure functions: records in, bytes out; no database, no clock (dates are arguments)::

    from genius.fiscal.ro.saft import write_d406, prevalidate
    from genius.fiscal.ro.saft.model import Header, MasterFiles, GeneralLedgerEntries, ...

    findings = prevalidate(header, master_files, general_ledger, source_documents)
    with open(path, "wb") as out:
        write_d406(out, header, master_files, general_ledger, source_documents)

Version-specific facts live in :mod:`genius.fiscal.ro.saft.versions`; which sections each
declaration type carries in :mod:`genius.fiscal.ro.saft.variants`; tax codes in
:mod:`genius.fiscal.ro.saft.taxcodes`. See docs/saft-d406.md.
"""

from genius.fiscal.ro.saft.errors import SaftError, SaftInputError, SectionNotAllowed, TotalsMismatch
from genius.fiscal.ro.saft.prevalidate import Finding, Severity, prevalidate
from genius.fiscal.ro.saft.versions import DEFAULT_VERSION, FILING_NAMESPACE, TEST_NAMESPACE, Target
from genius.fiscal.ro.saft.writer import WriteSummary, write_d406

__all__ = [
    "DEFAULT_VERSION",
    "FILING_NAMESPACE",
    "TEST_NAMESPACE",
    "Finding",
    "SaftError",
    "SaftInputError",
    "SectionNotAllowed",
    "Severity",
    "Target",
    "TotalsMismatch",
    "WriteSummary",
    "prevalidate",
    "write_d406",
]
