"""``flask lmi ...``: bulk import of returns and extracts from the command line."""

from flask.cli import AppGroup

lmi_cli = AppGroup("lmi", help="Labour-market returns and extracts.")
