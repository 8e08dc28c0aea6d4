"""Suppression rules (``portal.lmi.confidentiality``): pure functions, no database.

The property tests check the rules on random tables and verify, independently of the
module's own line and bridge logic, with exact rational linear algebra, that no suppressed
cell can be solved from the published cells of its table.
"""

import tempfile
from fractions import Fraction
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from hypothesis.configuration import set_hypothesis_home_dir

from portal.lmi.confidentiality import (
    TOTAL,
    CellStats,
    fails_primary,
    pay_publishable,
    suppress_one_way,
    suppress_two_way,
)

# Hypothesis keeps a cache in ``.hypothesis/`` under the working directory, and pytest (whose
# ``norecursedirs`` replaces the defaults) then fails collection on a warning about it: keep
# it out of the repository, and keep no example database.
set_hypothesis_home_dir(Path(tempfile.gettempdir()) / "portal-hypothesis")
PROPERTY = settings(deadline=None, database=None)

# --- building tables from agencies' contributions ------------------------------------


def stats_of(contributions: dict) -> CellStats:
    """A cell from {agency: denominator}."""
    return CellStats(
        len(contributions), max(contributions.values(), default=0), sum(contributions.values())
    )


def merge(*cells: dict) -> dict:
    merged: dict = {}
    for cell in cells:
        for agency, amount in cell.items():
            merged[agency] = merged.get(agency, 0) + amount
    return merged


def two_way_table(interior: dict) -> dict:
    """{(r, c): {agency: amount}} → stats of every cell, margins included (consistent:
    a margin holds exactly its line's agencies)."""
    rows = sorted({r for r, _ in interior})
    cols = sorted({c for _, c in interior})
    cells = {k: v for k, v in interior.items() if v}
    for r in rows:
        cells[(r, TOTAL)] = merge(*[v for (r2, _), v in interior.items() if r2 == r])
    for c in cols:
        cells[(TOTAL, c)] = merge(*[v for (_, c2), v in interior.items() if c2 == c])
    cells[(TOTAL, TOTAL)] = merge(*interior.values())
    return {k: stats_of(v) for k, v in cells.items() if v}


def one_way_table(categories: dict) -> dict:
    cells = {k: v for k, v in categories.items() if v}
    cells[TOTAL] = merge(*categories.values())
    return {k: stats_of(v) for k, v in cells.items() if v}


# --- the independent check: exact linear algebra ---------------------------------------


def recoverable(equations: list[dict], hidden: set) -> set:
    """The hidden cells whose value follows from the equations (each {cell: coefficient},
    summing to a known number once the visible cells are filled in): a cell is recoverable
    iff its unit vector lies in the row space of the equations restricted to hidden cells."""
    unknowns = sorted(hidden, key=repr)
    index = {k: i for i, k in enumerate(unknowns)}
    matrix = []
    for equation in equations:
        row = [Fraction(0)] * len(unknowns)
        for cell, coefficient in equation.items():
            if cell in index:
                row[index[cell]] += coefficient
        if any(row):
            matrix.append(row)
    # reduced row echelon form
    pivots = []
    rank = 0
    for col in range(len(unknowns)):
        pivot = next((i for i in range(rank, len(matrix)) if matrix[i][col] != 0), None)
        if pivot is None:
            continue
        matrix[rank], matrix[pivot] = matrix[pivot], matrix[rank]
        lead = matrix[rank][col]
        matrix[rank] = [x / lead for x in matrix[rank]]
        for i in range(len(matrix)):
            if i != rank and matrix[i][col] != 0:
                factor = matrix[i][col]
                matrix[i] = [a - factor * b for a, b in zip(matrix[i], matrix[rank], strict=True)]
        pivots.append(col)
        rank += 1
    found = set()
    for cell, i in index.items():
        vector = [Fraction(0)] * len(unknowns)
        vector[i] = Fraction(1)
        for row_index, col in enumerate(pivots):
            if vector[col] != 0:
                factor = vector[col]
                vector = [a - factor * b for a, b in zip(vector, matrix[row_index], strict=True)]
        if not any(vector):
            found.add(cell)
    return found


def two_way_equations(stats: dict) -> list[dict]:
    """Every row and column, margins included: Σ interior − total = 0."""
    rows = {r for r, _ in stats if r is not TOTAL}
    cols = {c for _, c in stats if c is not TOTAL}
    equations = []
    for r in [*rows, TOTAL]:
        equation = {(r, c): 1 for c in cols}
        equation[(r, TOTAL)] = -1
        equations.append(equation)
    for c in [*cols, TOTAL]:
        equation = {(r, c): 1 for r in rows}
        equation[(TOTAL, c)] = -1
        equations.append(equation)
    return equations


def one_way_equations(stats: dict) -> list[dict]:
    equation = {k: 1 for k in stats if k is not TOTAL}
    equation[TOTAL] = -1
    return [equation]


# --- examples --------------------------------------------------------------------------


def agencies(*amounts: int, first: int = 0) -> dict:
    return {f"a{first + i}": amount for i, amount in enumerate(amounts)}


@pytest.mark.parametrize(
    ("stats", "hidden"),
    [
        (CellStats(0), False),  # empty: known to be zero, nothing to protect
        (CellStats(4, 10, 100), True),  # too few agencies
        (CellStats(5, 25, 100), False),  # exactly 25 %: allowed
        (CellStats(5, 26, 100), True),  # one agency above 25 %
        (CellStats(20, 0, 0), False),  # no headcount: no agency can dominate it
    ],
)
def test_primary_rule(stats, hidden):
    assert fails_primary(stats) is hidden


@pytest.mark.parametrize(
    ("employees", "n_agencies", "published"),
    [
        (9, 5, False),
        (10, 5, True),
        (10, 4, False),
        (500, 12, True),
    ],
)
def test_pay_needs_ten_employees_and_five_agencies(employees, n_agencies, published):
    assert pay_publishable(employees, n_agencies) is published


def test_one_way_hides_the_next_smallest_cell():
    table = one_way_table(
        {
            "north": agencies(10, 10, 10, first=0),  # 3 agencies: primary
            "south": agencies(10, 10, 10, 10, 10, 10, first=10),  # 6
            "east": agencies(*[10] * 7, first=20),  # 7
            "west": agencies(*[10] * 9, first=30),  # 9
        }
    )
    assert suppress_one_way(table) == {"north", "south"}


def test_one_way_without_primary_suppression_hides_nothing():
    table = one_way_table({"a": agencies(*[5] * 6), "b": agencies(*[5] * 6, first=6)})
    assert suppress_one_way(table) == set()


def test_a_dominated_total_is_hidden_with_its_line():
    table = one_way_table(
        {
            "a": agencies(1000, 1, 1, 1, 1, 1),  # dominated, so is the total
            "b": agencies(*[5] * 6, first=10),
            "c": agencies(*[5] * 7, first=20),
        }
    )
    hidden = suppress_one_way(table)
    assert hidden == {"a", TOTAL}
    assert recoverable(one_way_equations(table), hidden) == set()


def test_two_way_breaks_a_bridge_the_line_rule_misses():
    """Two 2×2 blocks of hidden cells joined by one hidden cell: every line has 0 or 2+
    hidden cells, yet the joining cell is solvable — it must get company."""
    small = iter(range(1000))

    def few():
        return {f"s{next(small)}": 10}

    def many(r, c):
        return {f"m{r}{c}{i}": 10 for i in range(6)}

    rows, cols = "abcd", "wxyz"
    interior = {(r, c): many(r, c) for r in rows for c in cols}
    for key in [
        ("a", "w"),
        ("a", "x"),
        ("b", "w"),
        ("b", "x"),
        ("c", "y"),
        ("c", "z"),
        ("d", "y"),
        ("d", "z"),
        ("a", "y"),
    ]:
        interior[key] = few()
    table = two_way_table(interior)
    primary = {k for k, s in table.items() if fails_primary(s)}
    assert len(primary) == 9
    equations = two_way_equations(table)
    assert recoverable(equations, primary) == {("a", "y")}  # the bridge

    hidden = suppress_two_way(table)
    assert primary < hidden
    assert recoverable(equations, hidden) == set()


def test_forced_cells_are_hidden():
    table = one_way_table(
        {
            "a": agencies(*[5] * 6),
            "b": agencies(*[5] * 6, first=6),
            "c": agencies(*[5] * 9, first=20),
        }
    )
    hidden = suppress_one_way(table, forced={"c"})
    assert "c" in hidden and len(hidden) >= 2


# --- properties --------------------------------------------------------------------------

POOL = [f"agency{i}" for i in range(14)]


@st.composite
def contributions(draw, max_agencies: int = 9):
    """One cell: {agency: denominator}; a third of cells empty or nearly so."""
    n = draw(st.integers(0, max_agencies))
    chosen = draw(st.lists(st.sampled_from(POOL), min_size=n, max_size=n, unique=True))
    return {a: draw(st.integers(1, 60)) for a in chosen}


@st.composite
def two_way_tables(draw):
    rows = draw(st.integers(1, 5))
    cols = draw(st.integers(1, 5))
    interior = {(r, c): draw(contributions()) for r in range(rows) for c in range(cols)}
    return two_way_table(interior)


@st.composite
def one_way_tables(draw):
    n = draw(st.integers(1, 8))
    return one_way_table({k: draw(contributions()) for k in range(n)})


def check_published(stats: dict, hidden: set) -> None:
    for key, cell in stats.items():
        if key not in hidden:
            assert cell.empty or cell.agencies >= 5, key
            assert cell.largest * 4 <= cell.total, key
        else:
            assert not cell.empty, key


@settings(PROPERTY, max_examples=120)
@given(one_way_tables())
def test_one_way_property(stats):
    hidden = suppress_one_way(stats)
    check_published(stats, hidden)
    assert recoverable(one_way_equations(stats), hidden) == set()


@settings(PROPERTY, max_examples=120)
@given(two_way_tables())
def test_two_way_property(stats):
    hidden = suppress_two_way(stats)
    check_published(stats, hidden)
    assert recoverable(two_way_equations(stats), hidden) == set()


@settings(PROPERTY, max_examples=50)
@given(two_way_tables())
def test_two_way_keeps_the_margins_of_its_one_way_tables(stats):
    """Forcing the row margins hidden by the row dimension's one-way table (as the
    figures do for two-way tables) keeps them hidden and the table safe."""
    rows = {r: s for (r, c), s in stats.items() if c is TOTAL}
    rows = {TOTAL if r is TOTAL else r: s for r, s in rows.items()}
    row_hidden = suppress_one_way(rows)
    forced = {(r, TOTAL) for r in row_hidden}
    hidden = suppress_two_way(stats, forced)
    assert forced <= hidden
    check_published(stats, hidden)
    assert recoverable(two_way_equations(stats), hidden) == set()
