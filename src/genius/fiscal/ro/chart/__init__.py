"""The Romanian chart of accounts (OMFP 1802/2014, classes 1-9) and ANAF's D406 account list.

``chart()`` loads ``data/accounts.csv`` once; the module-level helpers use it::

    from genius.fiscal.ro.chart import chart, is_official, parent_synthetic

    parent_synthetic("4111.01").code   # "4111"
    parent_synthetic("4111").code      # "411"
    has_grade2_children("411")         # True: post to 4111/4118, not to 411
    is_official("401.05")              # True: 401 is in PlanConturiBalSocCom
"""

from genius.fiscal.ro.chart.accounts import (
    Account,
    AccountType,
    ChartOfAccounts,
    chart,
    class_names,
    has_grade2_children,
    is_official,
    leading_digits,
    lookup,
    parent_synthetic,
)

__all__ = [
    "Account",
    "AccountType",
    "ChartOfAccounts",
    "chart",
    "class_names",
    "has_grade2_children",
    "is_official",
    "leading_digits",
    "lookup",
    "parent_synthetic",
]
