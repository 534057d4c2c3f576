"""The shipped chart of accounts: integrity of the data and the lookups D406 needs."""

from __future__ import annotations

import pytest

from genius.fiscal.ro.chart import (
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
from genius.fiscal.ro.chart.accounts import Account


def test_every_class_1_to_9_has_groups_and_accounts() -> None:
    classes = {account.account_class for account in chart()}
    assert classes == set(range(1, 10))
    assert set(class_names()) == set(range(1, 10))


def test_counts_match_the_sources() -> None:
    accounts = list(chart())
    in_anaf = [a for a in accounts if a.in_anaf_plan]
    # ANAF's validator list plan_conturi_bal_soc_com has 635 codes; OMFP adds 6121-6123 and 6351.
    assert len(in_anaf) == 635
    assert sorted(a.code for a in accounts if not a.in_anaf_plan) == ["6121", "6122", "6123", "6351"]
    by_grade = {g: sum(1 for a in accounts if a.grade == g) for g in (0, 1, 2)}
    assert by_grade == {0: 60, 1: 257, 2: 322}
    assert sorted(a.code for a in accounts if not a.in_omfp) == ["5126", "5127"]


def test_structure_is_consistent() -> None:
    c = chart()
    for account in c:
        assert account.code.isdigit()
        assert len(account.code) == account.grade + 2
        assert account.account_class == int(account.code[0])
        assert account.name and account.name == account.name.strip()
        if account.grade == 0:
            assert account.parent is None
        else:
            assert account.parent == account.code[: len(account.code) - 1]
            assert account.parent in c
        # Only the optional class 9 has no function in the law.
        assert (account.type is None) == (account.account_class == 9)


@pytest.mark.parametrize(
    ("code", "name", "kind"),
    [
        ("4111", "Clienți", AccountType.ACTIV),
        ("401", "Furnizori", AccountType.PASIV),
        ("4426", "TVA deductibilă", AccountType.ACTIV),
        ("4427", "TVA colectată", AccountType.PASIV),
        ("4428", "TVA neexigibilă", AccountType.BIFUNCTIONAL),
        ("121", "Profit sau pierdere", AccountType.BIFUNCTIONAL),
        ("5121", "Conturi la bănci în lei", AccountType.ACTIV),
        ("707", "Venituri din vânzarea mărfurilor", AccountType.PASIV),
        ("709", "Reduceri comerciale acordate", AccountType.ACTIV),
        ("609", "Reduceri comerciale primite", AccountType.PASIV),
        ("711", "Venituri aferente costurilor stocurilor de produse", AccountType.BIFUNCTIONAL),
        ("6811", "Cheltuieli de exploatare privind amortizarea imobilizărilor", AccountType.ACTIV),
        ("2813", "Amortizarea instalațiilor și mijloacelor de transport", AccountType.PASIV),
        ("428", "Alte datorii și creanțe în legătură cu personalul", AccountType.BIFUNCTIONAL),
    ],
)
def test_known_accounts(code: str, name: str, kind: AccountType) -> None:
    account = lookup(code)
    assert account is not None
    assert account.name == name
    assert account.type is kind


def test_saft_account_type_spelling() -> None:
    assert [t.saft_value for t in AccountType] == ["Activ", "Pasiv", "Bifunctional"]


def test_parent_synthetic_walks_up_from_an_analytic() -> None:
    first = parent_synthetic("4111.01")
    assert first is not None and first.code == "4111"
    second = parent_synthetic(first.code)
    assert second is not None and second.code == "411"
    assert parent_synthetic("411") is None
    assert parent_synthetic("411101").code == "4111"  # type: ignore[union-attr]
    assert parent_synthetic("4110").code == "411"  # type: ignore[union-attr]
    assert parent_synthetic("999.1") is None


def test_grade2_children() -> None:
    assert has_grade2_children("411")
    assert has_grade2_children("442")
    assert not has_grade2_children("401")
    assert not has_grade2_children("4111")
    assert not has_grade2_children("41")
    assert [a.code for a in chart().children("411")] == ["4111", "4118"]


def test_is_official_follows_anaf_prefix_matching() -> None:
    assert is_official("4111")
    assert is_official("401.05")
    assert is_official("4111001")
    assert is_official("6123")  # not in ANAF's list itself, but 612 is
    assert is_official("921")  # ANAF's list includes class 9
    assert not is_official("999")
    assert not is_official("4020")  # 402 is no account; the group 40 is not a prefix
    assert not is_official("")


def test_leading_digits() -> None:
    assert leading_digits(" 4111.01 ") == "4111"
    assert leading_digits("5121BT") == "5121"
    assert leading_digits("X1") == ""


def test_duplicate_codes_are_refused() -> None:
    one = Account("401", "Furnizori", 4, 1, "40", AccountType.PASIV, "pct594", True, True)
    with pytest.raises(ValueError, match="401"):
        ChartOfAccounts([one, one])


def test_unknown_code_raises_a_clear_key_error() -> None:
    with pytest.raises(KeyError, match="999"):
        chart()["999"]
