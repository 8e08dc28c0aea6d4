"""Pre-qualified lists through their pages: the list form, joining, qualifying, a seeker's
profile and résumé (``tests/test_prequal.py``, ``tests/test_redirects.py``)."""

import io
from datetime import timedelta

from sqlalchemy import select
from werkzeug.datastructures import FileStorage, MultiDict
from werkzeug.test import encode_multipart

from portal.models import Credential, ListMember, PrequalList, Region
from portal.timeutil import today_pacific
from tests.support.pages import text
from tests.support.reference import code_id, occupation_id

PDF = b"%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n"
NAME = "New graduates 2027 — Vancouver Island"
QUESTIONS = [
    {"text": "Have you finished your program?", "kind": "yes_no", "required": True},
    {"text": "Which school did you attend?", "kind": "text", "required": True},
    {"text": "Anything else we should know?", "kind": "text", "required": False},
]
ANSWERS = {"a_0": "yes", "a_1": "Vancouver Island University", "a_2": "", "consent": "y"}


def list_form(db, **overrides) -> dict:
    """What a browser sends from the list form; ``None`` leaves a field out."""
    today = today_pacific()
    data = {
        "name": NAME,
        "description": "For people finishing a social service program in 2027.",
        "occupation_ids": [occupation_id(db, "42201"), occupation_id(db, "41300")],
        "region_ids": [code_id(db, Region, "vancouver-island-coast")],
        "credential_ids": [
            code_id(db, Credential, "ssw-diploma"),
            code_id(db, Credential, "criminal-record-check"),
        ],
        "intake_opens_on": (today - timedelta(days=5)).isoformat(),
        "intake_closes_on": (today + timedelta(days=60)).isoformat(),
        "membership_months": "18",
        "visibility": "partners",
        "q0_text": QUESTIONS[0]["text"],
        "q0_kind": "yes_no",
        "q0_required": "y",
        "q1_text": QUESTIONS[1]["text"],
        "q1_kind": "text",
        "q1_required": "y",
        "q2_text": QUESTIONS[2]["text"],
        "q2_kind": "text",  # not required: box unticked
    }
    data.update(overrides)
    return {k: v for k, v in data.items() if v is not None}


def create_list(client, db, **overrides) -> PrequalList:
    response = client.post_form("/agency/lists/new", list_form(db, **overrides))
    assert response.status_code == 302, text(response)[:3000]
    plist = db.session.scalar(select(PrequalList).order_by(PrequalList.id.desc()))
    assert response.location == f"/agency/lists/{plist.id}"
    return plist


def join(seeker, plist, **overrides):
    data = {**ANSWERS, **overrides}
    return seeker.post_form(
        f"/lists/{plist.id}/join", {k: v for k, v in data.items() if v is not None}
    )


def member_of(db, plist, seeker) -> ListMember | None:
    db.session.expire_all()
    return db.session.scalar(
        select(ListMember).where(
            ListMember.list_id == plist.id, ListMember.seeker_id == seeker.user.id
        )
    )


def decide(client, member, decision="qualify", reason="References checked by phone."):
    return client.post_form(
        f"/agency/lists/members/{member.id}/decide", {"decision": decision, "reason": reason}
    )


def qualify(db, screener, seeker, plist) -> ListMember:
    """``seeker`` joins ``plist`` and ``screener`` qualifies them."""
    assert join(seeker, plist).status_code == 302
    member = member_of(db, plist, seeker)
    assert decide(screener, member).status_code == 302
    member = member_of(db, plist, seeker)
    assert member.status == "qualified"
    return member


def profile_form(
    db, regions=("vancouver-island-coast",), nocs=("42201",), credentials=(), availability=()
) -> dict:
    return {
        "headline": "Community support worker, new graduate",
        "occupations": [occupation_id(db, n) for n in nocs],
        "regions": [code_id(db, Region, c) for c in regions],
        "credentials": [code_id(db, Credential, c) for c in credentials],
        "availability": list(availability),
        "hours_wanted": "any",
        "pay_unit": "hourly",
    }


def upload_resume(client):
    boundary, body = encode_multipart(
        MultiDict(
            {
                "csrf_token": client.csrf_token(),
                "file": FileStorage(io.BytesIO(PDF), filename="cv.pdf"),
            }
        )
    )
    return client.post(
        "/profile/resume", data=body, content_type=f"multipart/form-data; boundary={boundary}"
    )


def seeker_with_profile(db, client, user, resume: bool = True, **profile):
    """``client``, signed in as the seeker ``user``, saves a profile through the profile form
    (private: agencies do not see it) and, by default, uploads a résumé; returns the client,
    with ``.user``."""
    response = client.post_form("/profile", profile_form(db, **profile))
    assert response.status_code == 302, text(response)[:3000]
    if resume:
        assert upload_resume(client).status_code == 302
    client.user = user
    return client
