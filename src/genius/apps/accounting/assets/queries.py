"""Read side of the register: an asset's schedule with what is posted."""

from __future__ import annotations

from genius.apps.accounting.assets import repository as repo
from genius.apps.accounting.assets.domain.schedule import schedule
from genius.apps.accounting.domain.periods import Period


def schedule_of(asset: repo.AssetRow) -> list[dict[str, str | int | None]]:
    """The asset's schedule (by its method) with the entry of each month already posted."""
    spec = asset.spec
    posted = {m: entry for m, _, entry in asset.posted}
    out: list[dict[str, str | int | None]] = []
    for line in schedule(spec.method, spec.acquisition_value, spec.life_months, spec.commissioning_date):
        if asset.disposed_on is not None and line.month >= Period.of(asset.disposed_on):
            break
        out.append(
            {
                "number": line.number,
                "period": str(line.month),
                "amount": str(line.amount),
                "accumulated": str(line.accumulated),
                "book_value": str(line.remaining),
                "entry_id": posted.get(line.month),
            }
        )
    return out
