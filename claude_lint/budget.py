"""The cost budget of `report --diff-base` (`--fail-on-increase 10%` or `$5`, or
`fail-on-increase` in the configuration): parsed here, below the configuration loader
that validates it."""
from __future__ import annotations

from dataclasses import dataclass
from typing import Optional


@dataclass(frozen=True)
class Budget:
    text: str
    percent: Optional[float] = None
    amount: Optional[float] = None  # USD over the report's calls per route

    def exceeded(self, before: float, after: float) -> bool:
        delta = after - before
        if delta <= 1e-9:
            return False
        if self.amount is not None:
            return delta > self.amount + 1e-9
        return before <= 0 or delta / before * 100 > (self.percent or 0.0) + 1e-9


def parse_budget(value: object) -> Budget:
    """`10%` (of the cost at REF), `$5` or `5` (USD per the report's calls per route)."""
    if isinstance(value, bool) or not isinstance(value, (str, int, float)):
        raise ValueError(f"expected a percentage (`10%`) or an amount in USD (`5`, `$5`), got {value!r}")
    text = str(value).strip()
    try:
        if text.endswith("%"):
            n = float(text[:-1])
            kind = "percent"
        else:
            n = float(text[1:] if text.startswith("$") else text)
            kind = "amount"
    except ValueError:
        raise ValueError(f"expected a percentage (`10%`) or an amount in USD (`5`, `$5`), got {text!r}") from None
    if not n >= 0 or n == float("inf"):
        raise ValueError(f"must be a number >= 0, got {text!r}")
    return Budget(f"{n:g}%", percent=n) if kind == "percent" else Budget(f"${n:g}", amount=n)
