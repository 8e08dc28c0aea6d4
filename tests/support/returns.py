"""Workforce returns through their pages: a line as the line form sends it, a CSV file of
lines, its upload."""

import csv
import io

from werkzeug.datastructures import FileStorage, MultiDict
from werkzeug.test import encode_multipart

from portal.returns.columns import COLUMN_NAMES

LINE = {
    "occupation": "42201",
    "region": "mainland-southwest",
    "employment_status": "regular_full_time",
    "bargaining_status": "non_union",
    "opening_headcount": "20",
    "closing_headcount": "20",
    "fte": "18.5",
    "hires": "4",
    "separations": "4",
    "sep_voluntary": "2",
    "sep_retirement": "1",
    "sep_involuntary": "1",
    "sep_other": "0",
    "sep_within_90_days": "1",
    "sep_within_1_year": "2",
    "vacancies": "3",
    "vacancies_90_days": "1",
    "pay_p25": "26.00",
    "pay_median": "28.00",
    "pay_p75": "31.00",
}


def csv_file(rows, header=COLUMN_NAMES, prefix="") -> bytes:
    """A CSV file as Excel writes it; a row ``{}`` is a blank row of commas, ``None`` an
    empty line (a spreadsheet shows both as an empty row)."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow(header)
    for row in rows:
        writer.writerow([] if row is None else [row.get(name, "") for name in header])
    return (prefix + out.getvalue()).encode()


def upload(client, return_id: int, data: bytes, filename="return.csv"):
    # encoded here: the test client's own encoder leaves a big body's temporary file open
    boundary, body = encode_multipart(
        MultiDict(
            {
                "csrf_token": client.csrf_token(),
                "file": FileStorage(io.BytesIO(data), filename=filename, content_type="text/csv"),
            }
        )
    )
    return client.post(
        f"/agency/returns/{return_id}/upload",
        data=body,
        content_type=f"multipart/form-data; boundary={boundary}",
    )
