"""The Whoosh schema of the job index.

Searching one ``text`` field is several times cheaper than a multi-field query (one
postings list per word instead of five), so the document text is laid out with its
weights built in: the title three times, the occupation twice, then agency, community
and description. Sector synonyms are found at index time and stored as tokens in
``synonyms`` (see ``synonyms.py``). No Whoosh spelling field: it made indexing several
times slower; "did you mean" uses a word list instead (``documents.vocabulary``).
``facets`` is a column holding each job's filter values so filters and facet counts run
in memory without touching stored fields.
"""

from whoosh import columns, fields

from portal.search.analysis import analyzer

TITLE_WEIGHT = 3
OCCUPATION_WEIGHT = 2


def make_schema() -> fields.Schema:
    return fields.Schema(
        job_id=fields.ID(stored=True, unique=True),
        text=fields.TEXT(analyzer=analyzer(), phrase=True),
        synonyms=fields.KEYWORD(lowercase=True, scorable=True),
        facets=fields.COLUMN(columns.VarBytesColumn()),
    )
