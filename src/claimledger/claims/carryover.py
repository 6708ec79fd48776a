"""What a quantity takes from its neighbours in the sentence: a conversion in brackets states the bound and the
change of the measure it converts ("over 200 hp (149 kW)", "fell by 2 metres (6.5 feet)"), an elliptical change
keeps the verb of the one before ("Apple rose 2.1%, Intel by 1.4%"), so does a change restated in other units ("fell
64 cents, or 0.8%"), and a bare figure takes the unit written once
for a list ("5, 8 or 10 km", "280 million of the 1.5 billion shekels") or for a parallel phrase ("rose by 2 percent,
fell by 1"; "closed at 1,463 points, ... at 1,334").

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
# Between a change and the same change in other units: "fell 64 cents, or 0.8%", "gained 34 points, or 0.5 percent".
_RESTATED_GAP = re.compile(r"[A-Za-z%\s]{0,30}?,\s*or\s+")  # the first one's unit words, then ", or"
# Between a bare figure and the next one, whose unit is the list's: "5, 8 or 10 km", "3 to 2 percent", "280 million
# of the 1.5 billion shekels".
_LIST_GAP = re.compile(r"\s*(?:,|,?\s*(?:and|or|to|of(?:\s+the)?))\s*", re.IGNORECASE)
# Between a measure and a bare figure of a parallel phrase: no sentence end, a few clauses at most.
_PARALLEL_GAP = re.compile(r"(?:[^;!?.]|\.(?=\S)){1,100}")
_LEAD_WORD = re.compile(r"([A-Za-z]+)\s+$")
_NO_LEAD = frozenset({"the", "a", "an", "of", "and", "or", "to"})  # too common to make two phrases parallel
_PARALLEL_REACH = 3  # quantities back


def carried_over(s: str, quantities: list[Quantity], units: bool = True) -> list[Quantity]:
    """The quantities of a sentence, each with what it takes from the one before (the module's docstring); units
    False leaves the units as they are (the claim layer reads no quantity's unit, only its claim_unit)."""
    out = quantities[:1]
    for q in quantities[1:]:
        p = out[-1]
        if "count" not in (p.unit, q.unit) and p.unit != q.unit and _CONVERSION_GAP.fullmatch(s, p.end, q.start):
            if q.qualifier == "exact" and p.qualifier not in ("exact", "range"):
                q = q._replace(
                    qualifier=p.qualifier,
                    low=None if p.low is None else q.value,
                    high=None if p.high is None else q.value,
                )
            if p.change and not q.change:
                q = q._replace(change=True, direction=p.direction)
        elif (
            p.change
            and not q.change
            and (
                (p.unit == q.unit and _ELLIPSIS_GAP.fullmatch(s, p.end, q.start))
                or _RESTATED_GAP.fullmatch(s, p.end, q.start)
            )
        ):
            q = q._replace(change=True, direction=p.direction)
        out.append(q)
    for i, q in enumerate(out if units else ()):
        if _bare(q) and (
            unit := _list_unit(s, q, out[i + 1] if i + 1 < len(out) else None)
            or _parallel_unit(s, q, out[max(0, i - _PARALLEL_REACH) : i])
            or (_level_unit(s, q, out[i - 1]) if i else None)
        ):
            out[i] = q._replace(unit=unit)
    return out


def _bare(q: Quantity) -> bool:
    """A figure with no unit and no counted noun, which is a claim (no year, date or name's number)."""
    return q.unit == "count" and q.counted is None and q.is_claim and q.form not in ("fraction", "multiplier")


def _measured(q: Quantity) -> bool:
    return q.unit != "count" and q.is_claim and q.form not in ("fraction", "multiplier")


def _list_unit(s: str, q: Quantity, nxt: Quantity | None) -> str | None:
    """The unit of the next figure when the two stand in one list ("5, 8 or 10 km")."""
    if nxt is not None and _measured(nxt) and _LIST_GAP.fullmatch(s, q.end, nxt.start):
        return nxt.unit
    return None


# Between a change in some unit and the bare level it reached: the change's unit words, then "to" ("rose 2 euros to
# 5", "fell 30 points to 1,200"); not a percent, whose level is of another unit ("rose 5% to 120").
_LEVEL_GAP = re.compile(r"(?:\s+[A-Za-z]+){0,3}?\s+to\s+", re.IGNORECASE)


def _level_unit(s: str, q: Quantity, p: Quantity) -> str | None:
    """The unit of a change before "to" for the bare level it reached ("cut 2 euros to 5")."""
    if _measured(p) and p.unit not in ("percent", "percentage_point") and _LEVEL_GAP.fullmatch(s, p.end, q.start):
        return p.unit
    return None


def _parallel_unit(s: str, q: Quantity, before: list[Quantity]) -> str | None:
    """The unit of an earlier figure led by the same word ("by 2 percent ... by 1", "at 1,463 points ... at 1,334")."""
    lead = _LEAD_WORD.search(s, max(0, q.start - 20), q.start)
    if lead is None or lead.group(1).lower() in _NO_LEAD:
        return None
    word = lead.group(1).lower()
    for p in reversed(before):
        other = _LEAD_WORD.search(s, max(0, p.start - 20), p.start)
        if (
            _measured(p)
            and other is not None
            and other.group(1).lower() == word
            and _PARALLEL_GAP.fullmatch(s, p.end, q.start)
        ):
            return p.unit
    return None
