"""``flask lmi ...``: bulk import of returns and extracts from the command line."""

import click
from flask.cli import AppGroup

lmi_cli = AppGroup("lmi", help="Labour-market returns and extracts.")


@lmi_cli.command("export")
@click.option(
    "--period",
    "periods",
    multiple=True,
    type=int,
    metavar="YEAR",
    help="Fiscal year (2025 = 2025/26); repeat for several. Default: every period.",
)
@click.option(
    "--by",
    "breakdowns",
    multiple=True,
    metavar="DIM[,DIM]",
    help="A breakdown: one dimension (region, occupation, employment_status, "
    "bargaining_status, cssea_member, subsector) or two separated by a comma "
    "for a cross-table. Repeat for several. Default: every one-way breakdown.",
)
@click.option(
    "--format",
    "fmt",
    type=click.Choice(["csv", "xlsx"]),
    help="Default: from the output file's extension, else CSV.",
)
@click.option(
    "--output",
    required=True,
    type=click.Path(dir_okay=False, writable=True),
    help="The file to write.",
)
def export_command(periods, breakdowns, fmt, output) -> None:
    """Write an extract of the suppressed figures (as the dashboard's download)."""
    from portal import audit
    from portal.errors import PortalError
    from portal.extensions import db
    from portal.lmi import extracts, figures

    if fmt is None:
        fmt = "xlsx" if output.lower().endswith(".xlsx") else "csv"
    try:
        wanted = extracts.make_request(periods, breakdowns, fmt, figures.years_with_periods())
    except PortalError as exc:
        raise click.UsageError(str(exc)) from None
    with open(output, "wb") as out:
        summary = extracts.write(wanted, out)
    audit.record(
        "lmi.extract",
        None,
        None,
        f"cli {wanted.describe()} output={output} "
        f"rows={summary.rows} suppressed={summary.suppressed}",
    )
    db.session.commit()
    click.echo(
        f"Wrote {summary.rows} rows ({summary.suppressed} cells suppressed) from "
        f"{summary.tables} tables to {output}."
    )


from portal.returns.cli import import_command  # noqa: E402

lmi_cli.add_command(import_command)
