"""``flask lmi import FILE [--accept]``: load workforce returns in bulk."""

from collections import Counter

import click

from portal.extensions import db
from portal.returns import csvfile, importer
from portal.returns.columns import IMPORT_COLUMNS


@click.command("import")
@click.argument("file", type=click.File("rb"))
@click.option(
    "--accept",
    is_flag=True,
    help="Mark the imported returns accepted (default: submitted, or held for "
    "review when turnover is above 150 %).",
)
def import_command(file, accept: bool) -> None:
    """Import workforce returns from a CSV file: the agency template's columns plus
    leading ``agency`` (the agency's slug) and ``fiscal_year`` (e.g. 2025) columns.

    Rows are grouped by agency and fiscal year; each group becomes a new version of that
    agency's return. If any row is wrong, every error is printed and nothing is saved."""
    try:
        rows = csvfile.read_rows(file.read(), IMPORT_COLUMNS, max_rows=None)
    except csvfile.CsvFileError as exc:
        click.echo(f"Error: {exc}", err=True)
        raise SystemExit(1) from None
    groups, problems = importer.plan(rows)
    if problems:
        for problem in problems:
            click.echo(problem.text, err=True)
        click.echo(
            f"{len(problems)} error{'s' if len(problems) != 1 else ''}: nothing was imported.",
            err=True,
        )
        raise SystemExit(1)
    statuses: Counter = Counter()
    with click.progressbar(groups, label="Importing returns") as bar:
        for group in bar:
            statuses[importer.save(group, accept).status] += 1
    db.session.commit()
    warnings = sum(len(g.warnings) for g in groups)
    summary = ", ".join(f"{n} {status}" for status, n in sorted(statuses.items()))
    click.echo(
        f"Imported {len(groups)} return{'s' if len(groups) != 1 else ''} "
        f"({len(rows)} lines): {summary or 'none'}; {warnings} warning"
        f"{'s' if warnings != 1 else ''}."
    )
    for group in groups:
        for warning in group.warnings:
            click.echo(f"warning: {group.agency.slug} {group.period.label}: {warning.text}")
