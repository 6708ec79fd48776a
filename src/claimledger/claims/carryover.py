"""What a quantity takes from the one before it in the sentence: a conversion in brackets states the bound and the
change of the measure it converts ("over 200 hp (149 kW)", "fell by 2 metres (6.5 feet)"), and an
elliptical change keeps the verb of the one before ("Apple rose 2.1%, Intel by 1.4%").

Quantity-level only: the claim reading of each figure (claim_qualifier, claim_unit, claim_value) is left as it was.
"""

from __future__ import annotations

import re
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from claimledger.claims.quantities import Quantity

# Between a measure and its conversion: its unit words, then "(" or "/" ("over 200 hp (149 kW / 203 PS)").
_CONVERSION_GAP = re.compile(r"[^()\d]{0,30}?[(/]\s*(?:US\s*)?")
# Between a change and an elliptical one: a list's comma or "and", a subject of a few words, then "by".
_ELLIPSIS_GAP = re.compile(r"[^\d;:.!?()]{0,40}?(?:,|\band\b)[^\d;:.!?()]{0,40}?\bby\s+$")


def carried_over(s: str, quantities: list[Quantity]) -> list[Quantity]:
    """The quantities of a sentence, each with what it takes from the one before (the module's docstring)."""
    out = quantities[:1]
    for q in quantities[1:]:
        p = out[-1]
        if "count" not in (p.unit, q.unit) and p.unit != q.unit and _CONVERSION_GAP.fullmatch(s, p.end, q.start):
            if q.qualifier == "exact" and p.qualifier not in ("exact", "range"):
                q = q._replace(qualifier=p.qualifier, low=None if p.low is None else q.value,
                               high=None if p.high is None else q.value)
            if p.change and not q.change:
                q = q._replace(change=True, direction=p.direction)
        elif p.change and not q.change and p.unit == q.unit and _ELLIPSIS_GAP.fullmatch(s, p.end, q.start):
            q = q._replace(change=True, direction=p.direction)
        out.append(q)
    return out
