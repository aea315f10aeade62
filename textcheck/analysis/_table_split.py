"""Digits that run together: every way to cut them into a row's cells, and the ones that add up.

Crawler text and some PDF extractions lose the cell boundaries (``一、本年新收…数量230 000023``).
The digits can still be read exactly when only one cut gives valid cells (no leading zeros, a
decimal point only where the column holds an amount, a minus sign only where it may be negative)
that satisfy the row's own relations (总计 = the sum of the other columns; 本年度 ≤ 历年累计). A
space the text kept is a certain boundary; so is a minus sign. Counting stops at ``cap`` cuts.
"""

from __future__ import annotations

import re
from decimal import Decimal
from typing import Callable, Sequence

_COUNT = re.compile(r"^(?:0|[1-9]\d*)$")
_SIGNED = re.compile(r"^-?(?:0|[1-9]\d*)$")
_AMOUNT = re.compile(r"^(?:0|[1-9]\d*)(?:\.\d+)?$")
MAX_DIGITS = 10  # no cell of these tables has more digits (a national total of 10^9 is far off)


def valid(cell: str, kind: str) -> bool:
    if len(cell.lstrip("-").split(".")[0]) > MAX_DIGITS or len(cell) > MAX_DIGITS + 8:
        return False
    if kind == "signed":
        return bool(_SIGNED.match(cell)) and cell != "-0"
    if kind == "amount":
        return bool(_AMOUNT.match(cell))
    return bool(_COUNT.match(cell))


Check = Callable[[list[Decimal]], bool]


def cuts(
    pieces: Sequence[tuple[str, bool]],
    kinds: Sequence[str],
    checks: Sequence[tuple[int, Check]] = (),
    cap: int = 2000,
    budget: int = 200_000,
) -> tuple[list[list[str]], bool]:
    """Every cut of ``pieces`` into ``len(kinds)`` valid cells that passes ``checks``.

    ``pieces``: (text, may be cut further); a piece that may not be cut is one cell. ``checks``:
    (index of the last cell it needs, predicate over the cell values so far). Returns the cuts
    found (at most ``cap``) and whether the search was complete (False: stopped at ``cap`` cuts
    or ``budget`` steps, so more may exist)."""
    n = len(kinds)
    found: list[list[str]] = []
    steps = 0
    complete = True
    by_last: dict[int, list[Check]] = {}
    for last, fn in checks:
        by_last.setdefault(last, []).append(fn)
    remaining = [0] * (len(pieces) + 1)
    for i in range(len(pieces) - 1, -1, -1):
        text, _ = pieces[i]
        remaining[i] = remaining[i + 1] + len(text)

    cells: list[str] = []
    values: list[Decimal] = []

    def ok_so_far() -> bool:
        for fn in by_last.get(len(values) - 1, ()):
            if not fn(values):
                return False
        return True

    def rec(pi: int, off: int) -> None:
        nonlocal steps, complete
        steps += 1
        if steps > budget or len(found) >= cap:
            complete = False
            return
        left_cells = n - len(cells)
        if pi == len(pieces):
            if left_cells == 0:
                found.append(list(cells))
            return
        if left_cells <= 0:
            return
        text, splittable = pieces[pi]
        rest = text[off:]
        chars_left = len(rest) + remaining[pi + 1]
        if chars_left < left_cells or chars_left > left_cells * (MAX_DIGITS + 2):
            return
        lengths = [len(rest)] if not splittable else range(1, len(rest) + 1)
        for length in lengths:
            cell = rest[:length]
            if not valid(cell, kinds[len(cells)]):
                if length >= 2 and cell[0] == "0" and cell[1] != ".":
                    break  # a leading zero: no longer cell is valid either
                continue
            cells.append(cell)
            values.append(Decimal(cell))
            if ok_so_far():
                if length == len(rest):
                    rec(pi + 1, 0)
                else:
                    rec(pi, off + length)
            cells.pop()
            values.pop()
            if not complete:
                return

    rec(0, 0)
    return found, complete
