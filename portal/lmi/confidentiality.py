"""Which cells of a table may be published: pure functions, no database.

*Primary* suppression hides a cell when fewer than ``MIN_AGENCIES`` agencies contribute to
it, or when one agency holds more than ``MAX_SHARE`` of its denominator (average headcount).
*Complementary* suppression then stops a hidden cell from being derived from the published
cells and totals of the same table:

- in every line (row or column, with its total) that holds exactly one hidden cell, the
  visible cell with the fewest agencies is hidden too, until no line has exactly one;
- in a two-way table with margins, hidden cells are edges of a graph between their row and
  column; a hidden cell that is a *bridge* (on no cycle) can be solved from the line
  equations, so another cell joining its two sides is hidden, until no bridge is left.

A cell with no contributor is an empty cell: its value (zero) is known to everyone, so it is
never hidden and never protects another cell. Tables are dictionaries keyed by category
(one-way, ``TOTAL`` for the total) or by ``(row, column)`` (two-way, ``TOTAL`` for margins).
"""

from collections.abc import Hashable, Iterable
from dataclasses import dataclass
from fractions import Fraction

MIN_AGENCIES = 5
MAX_SHARE = Fraction(1, 4)
MIN_PAY_EMPLOYEES = 10


class _Total:
    """The margin key: sorts after every category, and reads well in a repr."""

    def __repr__(self) -> str:
        return "TOTAL"

    def __reduce__(self):
        return "TOTAL"


TOTAL = _Total()


@dataclass(frozen=True)
class CellStats:
    """What the rule needs to know of a cell: how many agencies contribute to it, the
    largest single agency's part of its denominator, and the denominator itself."""

    agencies: int
    largest: int = 0
    total: int = 0

    @property
    def empty(self) -> bool:
        return self.agencies == 0


EMPTY = CellStats(0)


def fails_primary(stats: CellStats) -> bool:
    if stats.empty:
        return False
    if stats.agencies < MIN_AGENCIES:
        return True
    return stats.largest > MAX_SHARE * stats.total


def pay_publishable(employees: int, agencies: int) -> bool:
    """Pay percentiles need 10+ employees (closing headcount of the lines reporting pay),
    and, like every figure, at least 5 agencies reporting pay."""
    return employees >= MIN_PAY_EMPLOYEES and agencies >= MIN_AGENCIES


def _order(key: Hashable) -> tuple:
    return (key is TOTAL, type(key).__name__, str(key))


def _candidate_order(stats: dict, key, is_line_total: bool) -> tuple:
    cell = stats.get(key, EMPTY)
    return (cell.agencies, is_line_total, cell.total, _order_key(key))


def _order_key(key) -> tuple:
    if isinstance(key, tuple):
        return tuple(_order(part) for part in key)
    return (_order(key),)


def _apply_line_rule(
    lines: list[tuple[list, Hashable]], stats: dict, hidden: set, fixed: frozenset = frozenset()
) -> bool:
    """Hide the next-smallest visible cell of every line with exactly one hidden cell, until
    no such line is left. Returns whether anything was hidden. ``fixed`` cells (published
    elsewhere) are chosen only when a line has no other visible cell."""
    changed_any = False
    changed = True
    while changed:
        changed = False
        for members, total in lines:
            cells = [*members, total]
            present = [k for k in cells if not stats.get(k, EMPTY).empty]
            if sum(1 for k in present if k in hidden) != 1:
                continue
            visible = [k for k in present if k not in hidden]
            if not visible:
                continue
            visible = [k for k in visible if k not in fixed] or visible
            choice = min(visible, key=lambda k: _candidate_order(stats, k, k == total))
            hidden.add(choice)
            changed = changed_any = True
    return changed_any


def suppress_one_way(stats: dict, forced: Iterable = ()) -> set:
    """The hidden keys of a one-way table: ``stats`` maps each category (and ``TOTAL``) to
    its ``CellStats``; ``forced`` keys are hidden whatever their figures."""
    hidden = {k for k, s in stats.items() if fails_primary(s)}
    hidden |= {k for k in forced if not stats.get(k, EMPTY).empty}
    members = [k for k in stats if k is not TOTAL]
    _apply_line_rule([(members, TOTAL)], stats, hidden)
    return hidden


def table_lines(rows: list, columns: list) -> list[tuple[list, tuple]]:
    """The lines of a two-way table with margins: each row and each column (the margin
    row and column included), as (interior keys, total key)."""
    lines = [([(r, c) for c in columns], (r, TOTAL)) for r in [*rows, TOTAL]]
    lines += [([(r, c) for r in rows], (TOTAL, c)) for c in [*columns, TOTAL]]
    return lines


def suppress_two_way(stats: dict, forced: Iterable = (), fixed: Iterable = ()) -> set:
    """The hidden keys of a two-way table with margins: ``stats`` maps ``(row, column)``
    keys (``TOTAL`` for margins) to ``CellStats``; absent keys are empty cells.

    ``fixed`` keys are margins published by the one-way tables: complements are taken from
    other cells first, and a fixed key is hidden only when nothing else protects a cell —
    the caller must then hide it in the one-way table too (``figures.tables`` does)."""
    fixed = frozenset(fixed)
    rows = sorted({r for r, _ in stats if r is not TOTAL}, key=_order)
    columns = sorted({c for _, c in stats if c is not TOTAL}, key=_order)
    lines = table_lines(rows, columns)
    hidden = {k for k, s in stats.items() if fails_primary(s)}
    hidden |= {k for k in forced if not stats.get(k, EMPTY).empty}
    while True:
        _apply_line_rule(lines, stats, hidden, fixed)
        bridge = _find_bridge(hidden)
        if bridge is None:
            return hidden
        choice = _bridge_breaker(bridge, stats, hidden, fixed)
        if choice is None:  # cannot happen with consistent margins; nothing left to hide
            return hidden
        hidden.add(choice)


def _node_edges(hidden: set) -> dict:
    graph: dict = {}
    for r, c in hidden:
        graph.setdefault(("r", r), []).append((("c", c), (r, c)))
        graph.setdefault(("c", c), []).append((("r", r), (r, c)))
    return graph


def _find_bridge(hidden: set):
    """A hidden cell that lies on no cycle of the row–column graph, or None."""
    graph = _node_edges(hidden)
    order: dict = {}
    low: dict = {}
    bridges = []
    for root in sorted(graph, key=lambda n: (n[0], _order(n[1]))):
        if root in order:
            continue
        order[root] = low[root] = len(order)
        stack = [(root, None, iter(graph[root]))]
        while stack:
            node, via, edges = stack[-1]
            advanced = False
            for neighbour, edge in edges:
                if edge == via:
                    continue
                if neighbour in order:
                    low[node] = min(low[node], order[neighbour])
                else:
                    order[neighbour] = low[neighbour] = len(order)
                    stack.append((neighbour, edge, iter(graph[neighbour])))
                    advanced = True
                    break
            if not advanced:
                stack.pop()
                if stack:
                    parent = stack[-1][0]
                    low[parent] = min(low[parent], low[node])
                    if low[node] > order[parent]:
                        bridges.append(via)
    if not bridges:
        return None
    return min(bridges, key=_order_key)


def _side(graph: dict, start, cut_edge) -> set:
    seen = {start}
    todo = [start]
    while todo:
        node = todo.pop()
        for neighbour, edge in graph.get(node, ()):
            if edge != cut_edge and neighbour not in seen:
                seen.add(neighbour)
                todo.append(neighbour)
    return seen


def _bridge_breaker(bridge: tuple, stats: dict, hidden: set, fixed: frozenset = frozenset()):
    """The visible cell to hide so that ``bridge`` joins a cycle: one joining the bridge's
    two sides if there is one (interior cells first, then fewest agencies), else one that
    grows the bridge's component (the loop then tries again)."""
    graph = _node_edges(hidden)
    r, c = bridge
    side_a = _side(graph, ("r", r), bridge)
    side_b = _side(graph, ("c", c), bridge)
    joining, growing = [], []
    for key, cell in stats.items():
        if cell.empty or key in hidden:
            continue
        ends = (("r", key[0]), ("c", key[1]))
        in_a = [e in side_a for e in ends]
        in_b = [e in side_b for e in ends]
        if (in_a[0] and in_b[1]) or (in_b[0] and in_a[1]):
            joining.append(key)
        elif any(in_a) or any(in_b):
            if not ((in_a[0] or in_b[0]) and (in_a[1] or in_b[1])):
                growing.append(key)

    def preference(key):
        cell = stats[key]
        return (TOTAL in key, cell.agencies, cell.total, _order_key(key))

    for candidates in (joining, growing):
        candidates = [k for k in candidates if k not in fixed] or candidates
        if candidates:
            return min(candidates, key=preference)
    return None
