"""The error answers an operation documents: ``@problems(bp, {404: "No such job."})``
adds each as ``application/problem+json`` with its own description, plus 429 (every
route of the API is rate-limited)."""

from portal.api.schemas import ProblemSchema

PROBLEM = "application/problem+json"
RATE_LIMITED = "Too many requests from this address: wait the seconds Retry-After gives."
STRING = {"schema": {"type": "string"}}  # a documented header's type
HEADERS = {
    401: {"WWW-Authenticate": {"description": 'Bearer realm="api"', "schema": {"type": "string"}}},
    429: {"Retry-After": {"description": "Seconds to wait", "schema": {"type": "integer"}}},
}
TOKEN_OPTIONAL = [{}, {"token": []}]  # ``security`` of an operation a token adds to
TOKEN_REQUIRED = [{"token": []}]


def problems(bp, described: dict[int, str]):
    """Document each error status of ``described`` (status -> when it happens) and 429."""
    answers = {**described, 429: RATE_LIMITED}

    def decorate(view):
        for status, description in sorted(answers.items(), reverse=True):
            view = bp.alt_response(
                status,
                schema=ProblemSchema,
                content_type=PROBLEM,
                description=description,
                headers=HEADERS.get(status),
            )(view)
        return view

    return decorate
