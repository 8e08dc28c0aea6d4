"""The access test's world for the rows in ``api_tokens.txt`` (the personal access token
pages, ``portal/api/token_views.py``) and for the API's token routes.

Ids: {owner_token} a token of the target agency's owner, {recruiter_token} one of its
recruiter, {other_token} one of "Other Agency"'s owner. ``api_token`` is the owner's
token's text (every scope): the hostile-input walks (``tests/support/hostile.py``) send it
to the API's routes, which answer 401 to everyone without one (``api.txt``).
"""

# ids used by the rows' url templates, for the route-coverage check
DUMMY_IDS: dict = {"owner_token": 1, "recruiter_token": 2, "other_token": 3}


def build(db, core) -> dict:
    from sqlalchemy import select

    from portal.api import tokens
    from portal.models import Membership

    def token_of(user, agency, scopes):
        membership = db.session.scalar(
            select(Membership).where(
                Membership.user_id == user.id, Membership.agency_id == agency.id
            )
        )
        return tokens.create(membership, f"{user.name}'s token", scopes, 365)

    every_scope = ["jobs:read", "jobs:write", "applications:read"]
    owner, raw = token_of(core.users["owner"], core.agency, every_scope)
    recruiter, _ = token_of(core.users["recruiter"], core.agency, ["jobs:read"])
    other, _ = token_of(core.users["other"], core.other_agency, ["jobs:read"])
    db.session.commit()
    return {
        "owner_token": owner.id,
        "recruiter_token": recruiter.id,
        "other_token": other.id,
        "api_token": raw,
    }
