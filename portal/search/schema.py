"""The Whoosh schema of the job index.

Text fields are searched; ``facets`` is a column holding each job's filter values so the
query code can filter and count facets in memory without touching stored fields.
"""

from whoosh import columns, fields

from portal.search.analysis import analyzer

FIELD_BOOSTS = {"title": 4.0, "occupation": 2.0, "agency": 1.5, "community": 1.5,
                "description": 1.0}


def make_schema() -> fields.Schema:
    text = analyzer()
    return fields.Schema(
        job_id=fields.ID(stored=True, unique=True),
        title=fields.TEXT(analyzer=text, spelling=True, phrase=True),
        description=fields.TEXT(analyzer=text, spelling=True, phrase=True),
        agency=fields.TEXT(analyzer=text, phrase=True),
        occupation=fields.TEXT(analyzer=text, spelling=True, phrase=True),
        community=fields.TEXT(analyzer=text, phrase=True),
        facets=fields.COLUMN(columns.VarBytesColumn()),
    )
