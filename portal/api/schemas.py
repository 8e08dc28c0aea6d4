"""Shapes of the API's requests and answers (marshmallow), from which the OpenAPI document
is written. Each part of the API keeps its own schemas beside its views; the shared ones
are here."""

import marshmallow as ma


class ProblemFieldSchema(ma.Schema):
    field = ma.fields.String(allow_none=True, metadata={"description": "The field, dotted"})
    detail = ma.fields.String(metadata={"description": "What is wrong with it"})


class ProblemSchema(ma.Schema):
    """An error (RFC 9457, ``application/problem+json``)."""

    type = ma.fields.String(metadata={"description": "Always about:blank"})
    title = ma.fields.String(metadata={"description": "The status's name"})
    status = ma.fields.Integer()
    detail = ma.fields.String(metadata={"description": "What went wrong, in plain words"})
    instance = ma.fields.String(metadata={"description": "The path asked for"})
    errors = ma.fields.List(
        ma.fields.Nested(ProblemFieldSchema), metadata={"description": "One per field problem"}
    )
