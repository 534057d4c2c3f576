"""The matcher's tunables: thresholds, limits and the weight of each kind of evidence.

Evidence and what it adds to a candidate's confidence (0..1, clamped):

=====================================  ======  ==============================================
evidence                               weight  note
=====================================  ======  ==============================================
invoice series and number in details    +0.60  "fact GEN-0042", "EPS 2026/118"
number alone, in an invoice context     +0.40  "FCT 42" (the series may be another's)
amount equals what is open              +0.30  partial payment +0.05, more than open -0.10
partner's CUI or a known IBAN           +0.30  CUI/IBAN of another partner: -0.60
partner's name (RapidFuzz) >= 90        +0.20  >= 80: +0.08
the only open item of that partner      +0.25  with the exact amount, partner known by CUI/IBAN
  with that amount (no number given)
paid more than 3 days before issue      -0.30  it cannot quote a number not yet issued
the details spell out another invoice   -0.20  of the same partner, or open for the amount
partial, but another open invoice of    -0.15  a wrong digit in the number is likelier
  the partner has exactly the amount
=====================================  ======  ==============================================

Several invoices of one partner settled by one line (2 or 3, their open amounts adding up
exactly) score the same way: every invoice named +0.60 (+0.45 when some only by number, +0.20 x
the share named when only some are), the exact sum +0.30, the partner +0.30/+0.20/+0.08, and
+0.15 when no number is given but it is the only such combination of that partner.

docs/bank-matching.md measures the precision and recall these numbers give.
"""

from __future__ import annotations

from enum import IntEnum
from typing import Final

# -- tunables ----------------------------------------------------------------------------------
# Reconcile and post without a person at or above this confidence (measured: docs/bank-matching.md).
AUTO_RECONCILE_THRESHOLD: Final = 0.85
# The best candidate must lead the next by this much to be applied automatically.
AMBIGUITY_MARGIN: Final = 0.15
# Candidates below this are not shown to a person.
MIN_CANDIDATE_CONFIDENCE: Final = 0.30
MAX_CANDIDATES: Final = 5
# Combinations are searched among this many open items of one partner (oldest due first).
MAX_COMBINATION_ITEMS: Final = 24
MAX_COMBINATION_SIZE: Final = 3
NAME_STRONG: Final = 90.0
NAME_WEAK: Final = 80.0
EARLY_PAYMENT_DAYS: Final = 3

W_REF_FULL: Final = 0.60
W_REF_NUMBER: Final = 0.40
W_AMOUNT_EXACT: Final = 0.30
W_AMOUNT_PARTIAL: Final = 0.05
W_AMOUNT_OVER: Final = -0.10
W_PARTNER_ID: Final = 0.30
W_NAME_STRONG: Final = 0.20
W_NAME_WEAK: Final = 0.08
W_PARTNER_CONFLICT: Final = -0.60
W_UNIQUE_AMOUNT: Final = 0.25
W_EARLY: Final = -0.30
W_OTHER_NAMED: Final = -0.20
W_EXACT_ELSEWHERE: Final = -0.15
W_COMBO_ALL_FULL: Final = 0.60
W_COMBO_ALL_NAMED: Final = 0.45
W_COMBO_SOME_NAMED: Final = 0.20
W_COMBO_UNIQUE: Final = 0.15


class PartnerEvidence(IntEnum):
    CONFLICT = -1
    NONE = 0
    NAME_WEAK = 1
    NAME_STRONG = 2
    ID = 3


PARTNER_WEIGHT: Final = {
    PartnerEvidence.CONFLICT: W_PARTNER_CONFLICT,
    PartnerEvidence.NONE: 0.0,
    PartnerEvidence.NAME_WEAK: W_NAME_WEAK,
    PartnerEvidence.NAME_STRONG: W_NAME_STRONG,
    PartnerEvidence.ID: W_PARTNER_ID,
}
