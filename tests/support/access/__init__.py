"""Who may use which route: one row per route and method, one column per role.

Every route of the app must appear in ``TABLE`` (``tests/test_access.py``'s
``test_every_route_is_in_the_table``), so a new route cannot be added without deciding who
may use it.

Roles: ``anon`` (signed out), ``seeker``, ``owner`` (owner of the target agency),
``recruiter`` (recruiter of the target agency), ``other`` (owner of another approved
agency), ``champion`` (HR champion) and ``admin``.

POSTs send the CSRF token and otherwise empty data, so forms fail validation and nothing
is changed, while the status still shows the permission outcome (403 / 404 / login redirect
versus 200 / 302 / 400 for a user who may use the route). One-click actions without fields
(remove a member, revoke an invitation, grant the champion role) do act, but only in the
case's own fresh database.
"""

import io
import re
import shutil
import uuid
from dataclasses import dataclass
from pathlib import Path

import psycopg
import pytest
from flask import Flask
from sqlalchemy import make_url, select

from portal import create_app
from portal.extensions import db as _db
from portal.models import Membership, OutboxMessage
from tests.support.access import lmi as access_lmi
from tests.support.access import returns as access_returns
from tests.support.database import PG_URL, REFERENCE_TABLES, seed_reference
from tests.support.factories import job_fields, new_agency, new_job, new_recruiter, new_user
from tests.support.pages import PortalClient

ROLES = ("anon", "seeker", "owner", "recruiter", "other", "champion", "admin")

# LOGIN: 302 redirect to the sign-in page (login_required, signed out)
LOGIN = "login"

# Ids in URL templates (see ``world``):
#   {agency}               the target agency (approved; owner and recruiter work there)
#   {pending_agency}       a pending agency of someone else (for the admin pages)
#   {owner_m}              the owner's membership of the target agency
#   {recruiter_m}          the recruiter's membership of the target agency
#   {invitation}, {token}  an open invitation of the target agency: its id, its link token
#   {seeker}               a job seeker
#   {job}, {draft}         a published job and a draft of the target agency
#   {visible_seeker}       a job seeker whose profile is visible to agencies, with a résumé
#   {resume}               that seeker's résumé
#   {question}             a required screening question on {job}
#   {application}          an application to {job} by another seeker (not ``seeker``)
#   {pool}                 a pooled draft led by the target agency
#   {lead_share}           the target agency's own share of {pool}
#   {pool_share}           "Other Agency"'s share of {pool} (invited): "other" is the partner
MISSING = 999999  # an id that does not exist

# fmt: off
TABLE = [
    # method  url template                               anon   seek owner recr other champ admin
    # --- pages
    ("GET",  "/",                                        200,   200, 200, 200, 200, 200, 200),
    ("GET",  "/dashboard",                               LOGIN, 200, 302, 302, 302, 200, 302),
    ("GET",  "/privacy",                                 200,   200, 200, 200, 200, 200, 200),
    ("GET",  "/accessibility",                           200,   200, 200, 200, 200, 200, 200),
    # --- sign up, sign in: signed-in users are sent to their dashboard
    ("GET",  "/register",                                200,   302, 302, 302, 302, 302, 302),
    ("POST", "/register",                                200,   302, 302, 302, 302, 302, 302),
    ("GET",  "/register/check-email",                    200,   200, 200, 200, 200, 200, 200),
    ("GET",  "/confirm/not-a-token",                     302,   302, 302, 302, 302, 302, 302),
    ("GET",  "/confirm",                                 200,   200, 200, 200, 200, 200, 200),
    ("POST", "/confirm",                                 200,   200, 200, 200, 200, 200, 200),
    ("GET",  "/login",                                   200,   302, 302, 302, 302, 302, 302),
    ("POST", "/login",                                   200,   302, 302, 302, 302, 302, 302),
    ("POST", "/logout",                                  LOGIN, 302, 302, 302, 302, 302, 302),
    ("GET",  "/forgot",                                  200,   200, 200, 200, 200, 200, 200),
    ("POST", "/forgot",                                  200,   200, 200, 200, 200, 200, 200),
    ("GET",  "/reset/not-a-token",                       302,   302, 302, 302, 302, 302, 302),
    ("POST", "/reset/not-a-token",                       302,   302, 302, 302, 302, 302, 302),
    # --- own account
    ("GET",  "/account",                                 LOGIN, 200, 200, 200, 200, 200, 200),
    ("POST", "/account/password",                        LOGIN, 400, 400, 400, 400, 400, 400),
    ("POST", "/account/email",                           LOGIN, 400, 400, 400, 400, 400, 400),
    ("GET",  "/account/email/confirm/not-a-token",       302,   302, 302, 302, 302, 302, 302),
    # --- two-step sign-in: the champion and admin have it on (so setting it up again is
    # 302 back to its page), the others not (so its forms for an enabled account are 302)
    ("GET",  "/account/two-step",                        LOGIN, 200, 200, 200, 200, 200, 200),
    ("GET",  "/account/two-step/setup",                  LOGIN, 200, 200, 200, 200, 302, 302),
    ("POST", "/account/two-step/setup",                  LOGIN, 400, 400, 400, 400, 302, 302),
    ("POST", "/account/two-step/recovery-codes",         LOGIN, 302, 302, 302, 302, 400, 400),
    ("POST", "/account/two-step/disable",                LOGIN, 302, 302, 302, 302, 400, 400),
    # the code page needs a sign-in waiting for its code (else back to /login); signed-in
    # users are sent to their dashboard
    ("GET",  "/login/verify",                            LOGIN, 302, 302, 302, 302, 302, 302),
    ("POST", "/login/verify",                            LOGIN, 302, 302, 302, 302, 302, 302),
    # --- agencies: seekers and champions never run an agency
    ("GET",  "/agencies/register",                       200,   403, 200, 200, 200, 403, 200),
    ("POST", "/agencies/register",                       200,   403, 200, 200, 200, 403, 200),
    ("GET",  "/agency",                                  LOGIN, 403, 200, 200, 200, 403, 403),
    # "other" edits and staffs its own agency; ids of the target agency are 404 for it
    ("GET",  "/agency/edit",                             LOGIN, 403, 200, 403, 200, 403, 403),
    ("POST", "/agency/edit",                             LOGIN, 403, 200, 403, 200, 403, 403),
    ("POST", "/agency/staff/invite",                     LOGIN, 403, 400, 403, 400, 403, 403),
    ("POST", "/agency/staff/{owner_m}/remove",           LOGIN, 403, 302, 403, 404, 403, 403),
    ("POST", "/agency/staff/{recruiter_m}/remove",       LOGIN, 403, 302, 403, 404, 403, 403),
    ("POST", f"/agency/staff/{MISSING}/remove",          LOGIN, 403, 404, 403, 404, 403, 403),
    ("POST", "/agency/staff/{owner_m}/make-owner",       LOGIN, 403, 302, 403, 404, 403, 403),
    ("POST", "/agency/invitations/{invitation}/revoke",  LOGIN, 403, 302, 403, 404, 403, 403),
    ("POST", "/agency/switch/{agency}",                  LOGIN, 404, 302, 302, 404, 404, 404),
    # the invitation link itself is the credential: anyone holding it sees the page
    ("GET",  "/invitations/{token}",                     200,   200, 200, 200, 200, 200, 200),
    ("POST", "/invitations/{token}",                     200,   200, 200, 200, 200, 200, 200),
    ("GET",  "/invitations/not-a-token",                 404,   404, 404, 404, 404, 404, 404),
    # --- administration
    ("GET",  "/admin/",                                  LOGIN, 403, 403, 403, 403, 403, 200),
    ("GET",  "/admin/agencies",                          LOGIN, 403, 403, 403, 403, 403, 200),
    ("GET",  "/admin/agencies/{pending_agency}",         LOGIN, 403, 403, 403, 403, 403, 200),
    ("POST", "/admin/agencies/{pending_agency}",         LOGIN, 403, 403, 403, 403, 403, 200),
    ("GET",  f"/admin/agencies/{MISSING}",               LOGIN, 403, 403, 403, 403, 403, 404),
    ("GET",  "/admin/users",                             LOGIN, 403, 403, 403, 403, 403, 200),
    ("GET",  "/admin/users/{seeker}",                    LOGIN, 403, 403, 403, 403, 403, 200),
    ("GET",  f"/admin/users/{MISSING}",                  LOGIN, 403, 403, 403, 403, 403, 404),
    ("POST", "/admin/users/{seeker}/champion/grant",     LOGIN, 403, 403, 403, 403, 403, 302),
    ("POST", "/admin/users/{seeker}/champion/remove",    LOGIN, 403, 403, 403, 403, 403, 302),
    # --- jobs: public search and pages; a draft is seen by its agency's staff and admins
    ("GET",  "/jobs",                                    200,   200, 200, 200, 200, 200, 200),
    ("GET",  "/jobs/{job}",                              200,   200, 200, 200, 200, 200, 200),
    ("GET",  "/jobs/{draft}",                            404,   404, 200, 200, 404, 404, 200),
    ("GET",  f"/jobs/{MISSING}",                         404,   404, 404, 404, 404, 404, 404),
    # --- the agency's jobs: any staff member; the target agency's jobs are 404 for "other"
    ("GET",  "/agency/jobs",                             LOGIN, 403, 200, 200, 200, 403, 403),
    ("GET",  "/agency/jobs/new",                         LOGIN, 403, 200, 200, 200, 403, 403),
    ("POST", "/agency/jobs/new",                         LOGIN, 403, 200, 200, 200, 403, 403),
    ("GET",  "/agency/jobs/{job}/edit",                  LOGIN, 403, 200, 200, 404, 403, 403),
    ("POST", "/agency/jobs/{job}/edit",                  LOGIN, 403, 200, 200, 404, 403, 403),
    ("GET",  "/agency/jobs/{draft}/edit",                LOGIN, 403, 200, 200, 404, 403, 403),
    ("GET",  f"/agency/jobs/{MISSING}/edit",             LOGIN, 403, 404, 404, 404, 403, 403),
    ("POST", "/agency/jobs/{draft}/publish",             LOGIN, 403, 302, 302, 404, 403, 403),
    ("POST", "/agency/jobs/{job}/close",                 LOGIN, 403, 302, 302, 404, 403, 403),
    ("POST", "/agency/jobs/{job}/fill",                  LOGIN, 403, 302, 302, 404, 403, 403),
    ("POST", "/agency/jobs/{job}/extend",                LOGIN, 403, 302, 302, 404, 403, 403),
    ("POST", "/agency/jobs/{job}/duplicate",             LOGIN, 403, 302, 302, 404, 403, 403),
    ("POST", f"/agency/jobs/{MISSING}/duplicate",        LOGIN, 403, 404, 404, 404, 403, 403),
    ("POST", "/agency/jobs/bulk-close",                  LOGIN, 403, 302, 302, 302, 403, 403),
    # --- job moderation
    ("POST", "/admin/jobs/{job}/unpublish",              LOGIN, 403, 403, 403, 403, 403, 302),
    ("POST", f"/admin/jobs/{MISSING}/unpublish",         LOGIN, 403, 403, 403, 403, 403, 404),
    # --- pooled positions: the lead's staff (owner, recruiter) find and invite partners for
    # a pooled job ({job} is single-agency: no partners page). "other" owns "Other Agency",
    # the partner invited to {pool}: it sees its invitations, views, edits, accepts, declines
    # and withdraws {pool_share}; the lead's staff view {pool_share} and may withdraw it
    # (cancel the invitation) but not edit, accept or decline it (404). The lead's own
    # share {lead_share} is edited by the lead's staff only; withdrawing it is refused with
    # a message (302). Empty POSTs: no agency chosen (302 with a message), the share's form
    # is incomplete (400); accept, decline and withdraw act in the case's own database.
    ("GET",  "/agency/jobs/{pool}/partners",             LOGIN, 403, 200, 200, 404, 403, 403),
    ("GET",  "/agency/jobs/{job}/partners",              LOGIN, 403, 404, 404, 404, 403, 403),
    ("GET",  f"/agency/jobs/{MISSING}/partners",         LOGIN, 403, 404, 404, 404, 403, 403),
    ("POST", "/agency/jobs/{pool}/partners/invite",      LOGIN, 403, 302, 302, 404, 403, 403),
    ("GET",  "/agency/shares",                           LOGIN, 403, 200, 200, 200, 403, 403),
    ("GET",  "/agency/shares/{pool_share}",              LOGIN, 403, 200, 200, 200, 403, 403),
    ("POST", "/agency/shares/{pool_share}",              LOGIN, 403, 404, 404, 400, 403, 403),
    ("GET",  "/agency/shares/{lead_share}",              LOGIN, 403, 200, 200, 404, 403, 403),
    ("POST", "/agency/shares/{lead_share}",              LOGIN, 403, 400, 400, 404, 403, 403),
    ("GET",  f"/agency/shares/{MISSING}",                LOGIN, 403, 404, 404, 404, 403, 403),
    ("POST", "/agency/shares/{pool_share}/accept",       LOGIN, 403, 404, 404, 302, 403, 403),
    ("POST", "/agency/shares/{pool_share}/decline",      LOGIN, 403, 404, 404, 302, 403, 403),
    ("POST", "/agency/shares/{pool_share}/withdraw",     LOGIN, 403, 302, 302, 302, 403, 403),
    ("POST", "/agency/shares/{lead_share}/accept",       LOGIN, 403, 302, 302, 404, 403, 403),
    ("POST", "/agency/shares/{lead_share}/withdraw",     LOGIN, 403, 302, 302, 404, 403, 403),
    ("POST", f"/agency/shares/{MISSING}/withdraw",       LOGIN, 403, 404, 404, 404, 403, 403),
    # --- seekers: profile, résumé, saved jobs, agencies' view of visible profiles
    ("GET",  "/profile",                                 LOGIN, 200, 403, 403, 403, 403, 403),
    ("POST", "/profile",                                 LOGIN, 302, 403, 403, 403, 403, 403),
    ("POST", "/profile/visibility",                      LOGIN, 302, 403, 403, 403, 403, 403),
    ("GET",  "/profile/resume",                          LOGIN, 200, 403, 403, 403, 403, 403),
    ("POST", "/profile/resume",                          LOGIN, 400, 403, 403, 403, 403, 403),
    ("POST", "/profile/resume/remove",                   LOGIN, 302, 403, 403, 403, 403, 403),
    # a résumé is downloaded from here by its owner only (another seeker's: 404)
    ("GET",  "/profile/resumes/{resume}/file",           LOGIN, 404, 403, 403, 403, 403, 403),
    ("GET",  f"/profile/resumes/{MISSING}/file",         LOGIN, 404, 403, 403, 403, 403, 403),
    ("POST", "/jobs/{job}/save",                         LOGIN, 302, 403, 403, 403, 403, 403),
    ("POST", "/jobs/{draft}/save",                       LOGIN, 404, 403, 403, 403, 403, 403),
    ("POST", "/jobs/{job}/unsave",                       LOGIN, 302, 403, 403, 403, 403, 403),
    ("GET",  "/saved-jobs",                              LOGIN, 200, 403, 403, 403, 403, 403),
    # staff of approved agencies: visible profiles only; a private one is not there (404)
    ("GET",  "/agency/people",                           LOGIN, 403, 200, 200, 200, 403, 403),
    ("GET",  "/agency/people/{visible_seeker}",          LOGIN, 403, 200, 200, 200, 403, 403),
    ("GET",  "/agency/people/{seeker}",                  LOGIN, 403, 404, 404, 404, 403, 403),
    ("GET",  f"/agency/people/{MISSING}",                LOGIN, 403, 404, 404, 404, 403, 403),
    ("GET",  "/agency/people/{visible_seeker}/resume",   LOGIN, 403, 200, 200, 200, 403, 403),
    ("GET",  "/agency/people/{seeker}/resume",           LOGIN, 403, 404, 404, 404, 403, 403),
    # --- applications: seekers apply; the lead agency's staff ask screening questions; staff
    # of an agency with a share in the job see its applicants ("other": 404). {application}
    # belongs to another seeker: ``seeker`` gets 404 (the applicant's own access is tested in
    # test_applications.py). Empty POSTs: the required question is unanswered (400), no
    # status is chosen (302 with a message), the wording is reset to the defaults (302).
    ("GET",  "/jobs/{job}/apply",                        LOGIN, 200, 403, 403, 403, 403, 403),
    ("POST", "/jobs/{job}/apply",                        LOGIN, 400, 403, 403, 403, 403, 403),
    ("GET",  "/jobs/{draft}/apply",                      LOGIN, 404, 403, 403, 403, 403, 403),
    ("GET",  f"/jobs/{MISSING}/apply",                   LOGIN, 404, 403, 403, 403, 403, 403),
    ("GET",  "/applications",                            LOGIN, 200, 403, 403, 403, 403, 403),
    ("GET",  "/applications/{application}",              LOGIN, 404, 403, 403, 403, 403, 403),
    ("GET",  f"/applications/{MISSING}",                 LOGIN, 404, 403, 403, 403, 403, 403),
    ("POST", "/applications/{application}/withdraw",     LOGIN, 404, 403, 403, 403, 403, 403),
    ("GET",  "/agency/jobs/{job}/questions",             LOGIN, 403, 200, 200, 404, 403, 403),
    ("POST", "/agency/jobs/{job}/questions",             LOGIN, 403, 400, 400, 404, 403, 403),
    ("GET",  "/agency/jobs/{draft}/questions",           LOGIN, 403, 200, 200, 404, 403, 403),
    ("GET",  f"/agency/jobs/{MISSING}/questions",        LOGIN, 403, 404, 404, 404, 403, 403),
    ("GET",  "/agency/jobs/{job}/questions/{question}",  LOGIN, 403, 200, 200, 404, 403, 403),
    ("POST", "/agency/jobs/{job}/questions/{question}",  LOGIN, 403, 400, 400, 404, 403, 403),
    ("GET",  f"/agency/jobs/{{job}}/questions/{MISSING}", LOGIN, 403, 404, 404, 404, 403, 403),
    ("GET",  "/agency/jobs/{draft}/questions/{question}", LOGIN, 403, 404, 404, 404, 403, 403),
    ("POST", "/agency/jobs/{job}/questions/{question}/up", LOGIN, 403, 302, 302, 404, 403, 403),
    ("POST", "/agency/jobs/{job}/questions/{question}/down", LOGIN, 403, 302, 302, 404, 403,
     403),
    ("POST", "/agency/jobs/{job}/questions/{question}/delete", LOGIN, 403, 302, 302, 404, 403,
     403),
    ("GET",  "/agency/jobs/{job}/applicants",            LOGIN, 403, 200, 200, 404, 403, 403),
    ("GET",  f"/agency/jobs/{MISSING}/applicants",       LOGIN, 403, 404, 404, 404, 403, 403),
    ("POST", "/agency/jobs/{job}/applicants/bulk",       LOGIN, 403, 302, 302, 404, 403, 403),
    ("GET",  "/agency/applications/{application}",       LOGIN, 403, 200, 200, 404, 403, 403),
    ("GET",  f"/agency/applications/{MISSING}",          LOGIN, 403, 404, 404, 404, 403, 403),
    ("POST", "/agency/applications/{application}/status", LOGIN, 403, 302, 302, 404, 403, 403),
    ("POST", "/agency/applications/{application}/notes", LOGIN, 403, 302, 302, 404, 403, 403),
    ("GET",  "/agency/applications/{application}/resume", LOGIN, 403, 200, 200, 404, 403, 403),
    # the agency's email wording: owners only; alerts: each staff member's own choice
    ("GET",  "/agency/messages",                         LOGIN, 403, 200, 403, 200, 403, 403),
    ("POST", "/agency/messages",                         LOGIN, 403, 302, 403, 302, 403, 403),
    ("GET",  "/agency/alerts",                           LOGIN, 403, 200, 200, 200, 403, 403),
    ("POST", "/agency/alerts",                           LOGIN, 403, 400, 400, 400, 403, 403),
    # --- pre-qualified lists: {plist} is run by the target agency alone (members seen by its
    # partners only), {list_member} is another seeker's qualified membership and
    # {job_invitation} another seeker's invitation (so the "seeker" column gets 404 there)
    ("GET",  "/agency/lists",                            LOGIN, 403, 200, 200, 200, 403, 403),
    ("GET",  "/agency/lists/new",                        LOGIN, 403, 200, 200, 200, 403, 403),
    ("POST", "/agency/lists/new",                        LOGIN, 403, 400, 400, 400, 403, 403),
    ("GET",  "/agency/lists/{plist}",                    LOGIN, 403, 200, 200, 404, 403, 403),
    ("GET",  f"/agency/lists/{MISSING}",                 LOGIN, 403, 404, 404, 404, 403, 403),
    ("GET",  "/agency/lists/{plist}/edit",               LOGIN, 403, 200, 200, 404, 403, 403),
    ("POST", "/agency/lists/{plist}/edit",               LOGIN, 403, 400, 400, 404, 403, 403),
    ("POST", "/agency/lists/{plist}/partners",           LOGIN, 403, 302, 302, 404, 403, 403),
    ("POST", "/agency/lists/{plist}/partners/{other_agency}/remove",
                                                         LOGIN, 403, 302, 302, 404, 403, 403),
    ("POST", "/agency/lists/members/{list_member}/decide", LOGIN, 403, 302, 302, 404, 403, 403),
    ("GET",  "/agency/talent",                           LOGIN, 403, 200, 200, 200, 403, 403),
    ("POST", "/agency/talent/{list_member}/invite",      LOGIN, 403, 302, 302, 404, 403, 403),
    ("GET",  "/lists",                                   200,   200, 200, 200, 200, 200, 200),
    ("GET",  "/lists/{plist}",                           200,   200, 200, 200, 200, 200, 200),
    ("GET",  f"/lists/{MISSING}",                        404,   404, 404, 404, 404, 404, 404),
    ("POST", "/lists/{plist}/join",                      LOGIN, 400, 403, 403, 403, 403, 403),
    ("GET",  "/my-lists",                                LOGIN, 200, 403, 403, 403, 403, 403),
    ("POST", "/my-lists/{list_member}/pause",            LOGIN, 404, 403, 403, 403, 403, 403),
    ("GET",  "/job-invitations",                         LOGIN, 200, 403, 403, 403, 403, 403),
    ("POST", "/job-invitations/{job_invitation}/accept", LOGIN, 404, 403, 403, 403, 403, 403),
] + access_returns.ROWS + access_lmi.ROWS
# fmt: on

UNCHECKED_ENDPOINTS = {"static", "bootstrap.static"}
DUMMY_IDS = {
    "agency": 1,
    "pending_agency": 2,
    "owner_m": 1,
    "recruiter_m": 2,
    "invitation": 1,
    "token": "token",
    "seeker": 1,
    "job": 1,
    "draft": 2,
    "visible_seeker": 2,
    "resume": 1,
    "question": 1,
    "application": 1,
    "plist": 1,
    "other_agency": 2,
    "list_member": 1,
    "job_invitation": 1,
    "pool": 3,
    "lead_share": 3,
    "pool_share": 4,
    **access_returns.DUMMY_IDS,
    **access_lmi.DUMMY_IDS,
}


def cases():
    for method, template, *expected in TABLE:
        assert len(expected) == len(ROLES), f"{method} {template}: one status per role"
        for role, status in zip(ROLES, expected, strict=True):
            yield pytest.param(method, template, role, status, id=f"{method} {template} {role}")


# --- the world every row runs in ------------------------------------------------------
#
# Every case runs in its own copy of the same world, so no case sees another's changes
# (POST cases act: they remove members, grant roles, withdraw shares; GET cases write too:
# audit events, view counters, last login). Building the world through the portal's
# services takes far longer than a case, so it is built once per backend and test worker
# (``AccessBackend``) and each case gets a fresh copy of its database, uploaded files and
# search index:
#   SQLite      the world's database file is copied over the case's database file;
#   PostgreSQL  the world's rows are copied once into temporary tables, and before each
#               case the tables are emptied and refilled from them and the sequences set
#               back, in one transaction: about 20 ms a case, where ``CREATE DATABASE ...
#               TEMPLATE`` (plus its DROP) took about 1 s and ``TRUNCATE`` 0.3 s.
# One app per backend and worker serves all the cases, as one server serves many requests
# (``create_app`` is most of 0.1 s); its connections are closed after each case, and each
# case points it at its own copies of the upload and search-index directories.


@dataclass
class World:
    users: dict  # role -> email (the user logs in with it and tests.support's PASSWORD)
    ids: dict

    def url(self, template: str) -> str:
        return template.format(**self.ids)


class AccessBackend:
    """The access test's app on one backend, and the world it restores for each case."""

    def __init__(self, backend: str, root: Path, worker: str):
        self.backend = backend
        self.root = root
        self.worker = worker
        self.uploads = root / "world-uploads"
        self.search = root / "world-search"
        self.app: Flask | None = None
        self.conn: psycopg.Connection | None = None  # PostgreSQL: holds the world's rows
        self.name: str | None = None  # PostgreSQL: the database's name, once created

    def build(self, sqlite_template: Path | None) -> None:
        """Create the database and build the world in it, through the portal's services."""
        backend = self.backend
        self.uploads.mkdir()
        self.search.mkdir()
        if backend == "sqlite":
            self.path = self.root / "case.db"
            self.world_path = self.root / "world.db"
            shutil.copyfile(sqlite_template, self.path)
            url = f"sqlite:///{self.path}"
        else:
            base = make_url(PG_URL)
            self.admin_dsn = base.set(drivername="postgresql").render_as_string(hide_password=False)
            name = f"portal_access_{self.worker}_{uuid.uuid4().hex[:8]}"
            with psycopg.connect(self.admin_dsn, autocommit=True) as conn:
                conn.execute(f'CREATE DATABASE "{name}"')
            self.name = name
            url = base.set(database=name).render_as_string(hide_password=False)
            self.dsn = base.set(drivername="postgresql", database=name).render_as_string(
                hide_password=False
            )
            seed_reference(url)
        self.app = create_app(
            "testing",
            {
                "DATABASE_URL": url,
                "SEARCH_INDEX_DIR": str(self.search),
                "UPLOAD_DIR": str(self.uploads),
            },
        )
        self.app.test_client_class = PortalClient
        with self.app.app_context():
            try:
                self.world = build_world(_db)
            finally:
                _db.session.remove()
                _db.engine.dispose()
        if backend == "sqlite":
            assert not Path(f"{self.path}-wal").exists(), "the world's WAL was not checkpointed"
            shutil.copyfile(self.path, self.world_path)
        else:
            self._pg_snapshot()

    # PostgreSQL: a copy of the world's rows in temporary tables of a connection of our own
    # (invisible to the app's connections), put back with one statement list per case

    def _pg_snapshot(self) -> None:
        tables = [table.name for table in _db.metadata.sorted_tables]  # parents first
        reference = [name for name in tables if name in REFERENCE_TABLES]
        self.conn = psycopg.connect(self.dsn, autocommit=True)
        self.conn.execute(
            "; ".join(
                f'CREATE TEMPORARY TABLE "world_{name}" AS SELECT * FROM "{name}"'
                for name in tables
            )
        )
        sequences = self.conn.execute(
            "SELECT format('%I.%I', schemaname, sequencename), start_value, last_value "
            "FROM pg_sequences WHERE schemaname = current_schema()"
        ).fetchall()
        # a sequence never used has no last value: its next value is its start value
        setvals = ", ".join(
            f"setval('{name}', {start}, false)"
            if last is None
            else f"setval('{name}', {last}, true)"
            for name, start, last in sequences
        )

        def restore(names: list[str]) -> str:
            return "; ".join(
                ["BEGIN"]
                + [f'DELETE FROM "{name}"' for name in reversed(names)]  # children first
                + [f'INSERT INTO "{name}" SELECT * FROM "world_{name}"' for name in names]
                + [f"SELECT {setvals}" if setvals else "SELECT 1", "COMMIT"]
            )

        # The reference tables are only read by the routes (so putting back their rows, the
        # slowest part, is mostly skipped); their content is compared before each case.
        self.reference_check = (
            " UNION ALL ".join(
                f"SELECT md5(coalesce(string_agg(t::text, '|' ORDER BY t::text), '')) "
                f'FROM "{name}" t'
                for name in reference
            )
            or "SELECT 1"
        )
        self.reference_rows = self._reference_rows()
        self.restore_all = restore(tables)
        self.restore_data = restore([name for name in tables if name not in reference])

    def _reference_rows(self) -> list:
        return self.conn.execute(self.reference_check).fetchall()

    def _pg_restore(self) -> None:
        unchanged = self._reference_rows() == self.reference_rows
        try:
            self.conn.execute(self.restore_data if unchanged else self.restore_all)
        except BaseException:
            self.conn.execute("ROLLBACK")  # so the next case may try again
            raise

    # each case

    def fresh_case(self, tmp_path: Path) -> Flask:
        """The app, on a fresh copy of the world (database, uploads, search index)."""
        if self.backend == "sqlite":
            for leftover in (Path(f"{self.path}-wal"), Path(f"{self.path}-shm"), self.path):
                leftover.unlink(missing_ok=True)
            shutil.copyfile(self.world_path, self.path)
        else:
            self._pg_restore()
        # a few small files: copied, so a case may add résumés or update the index
        shutil.copytree(self.uploads, tmp_path / "uploads")
        shutil.copytree(self.search, tmp_path / "search")
        self.app.config.update(
            UPLOAD_DIR=str(tmp_path / "uploads"), SEARCH_INDEX_DIR=str(tmp_path / "search")
        )
        return self.app

    def end_case(self) -> None:
        with self.app.app_context():
            engine = _db.engine
            leaked = engine.pool.checkedout()
            engine.dispose()  # the next case starts with new connections to its own copy
        assert leaked == 0, "a request left a database connection checked out"

    def close(self) -> None:
        if self.app is not None:
            with self.app.app_context():
                _db.engine.dispose()
        if self.conn is not None:
            self.conn.close()
        if self.name is not None:
            with psycopg.connect(self.admin_dsn, autocommit=True) as conn:
                conn.execute(f'DROP DATABASE IF EXISTS "{self.name}" WITH (FORCE)')


def build_world(db) -> World:
    """The world, through the portal's own services (in the app context of its database)."""
    from portal.agencies.services import invite_recruiter

    owner = new_user(role="agency", name="Olive Owner")
    agency = new_agency(owner=owner, name="Target Agency")
    recruiter = new_recruiter(agency, new_user(role="agency", name="Rita Recruiter"))
    other = new_user(role="agency", name="Oscar Other")
    other_agency = new_agency(owner=other, name="Other Agency")
    pending = new_agency(status="pending", name="Pending Agency")
    users = {
        "seeker": new_user(role="seeker", name="Sam Seeker"),
        "owner": owner,
        "recruiter": recruiter,
        "other": other,
        # two-step sign-in on: they may download extracts and manage users
        "champion": new_user(role="champion", name="Harper Champion", two_step=True),
        "admin": new_user(role="admin", name="Alex Admin", two_step=True),
    }
    invitation = invite_recruiter(agency, "invitee@example.org", owner)
    db.session.commit()
    job = new_job(agency=agency, title="Published Support Worker")
    draft = new_job(agency=agency, status="draft", title="Draft Support Worker")
    body = db.session.scalar(
        select(OutboxMessage.body_text).where(OutboxMessage.recipient == "invitee@example.org")
    )
    token = re.search(r"/invitations/(\S+)", body).group(1)
    visible_seeker, resume = _visible_seeker(db, new_user)
    question, application = _application(db, new_user, job)
    plist, list_member, job_invitation = _prequal(db, new_user, agency, job)
    pool, lead_share, pool_share = _pool(db, agency, other_agency)

    def membership_id(user):
        return db.session.scalar(
            select(Membership.id).where(
                Membership.user_id == user.id, Membership.agency_id == agency.id
            )
        )

    ids = {
        "agency": agency.id,
        "pending_agency": pending.id,
        "owner_m": membership_id(owner),
        "recruiter_m": membership_id(recruiter),
        "invitation": invitation.id,
        "token": token,
        "seeker": users["seeker"].id,
        "job": job.id,
        "draft": draft.id,
        "visible_seeker": visible_seeker.id,
        "resume": resume.id,
        "question": question.id,
        "application": application.id,
        "plist": plist.id,
        "other_agency": other_agency.id,
        "list_member": list_member.id,
        "job_invitation": job_invitation.id,
        "pool": pool.id,
        "lead_share": lead_share.id,
        "pool_share": pool_share.id,
        **access_returns.build(db, users, agency, other_agency),
        **access_lmi.build(db, users, agency, other_agency),
    }
    # the session is removed after the build: what a builder left uncommitted is not part
    # of the world (the requests never saw it)
    return World(users={role: user.email for role, user in users.items()}, ids=ids)


def _pool(db, agency, partner):
    """A pooled draft of the target agency, with ``partner`` ("Other Agency") invited."""
    from flask import current_app

    from portal.jobs import services as jobs
    from portal.pools import services as pools

    with current_app.test_request_context():  # the invitation email carries a link
        pool = jobs.create_draft(
            agency, job_fields(db, title="Pooled Support Worker", pooled=True), agency.owner
        )
        share = pools.invite(pool, partner, agency.owner)
    db.session.commit()
    return pool, pools.share_of(pool, agency.id), share


def _prequal(db, make_user, agency, job):
    """A list run by the target agency, another seeker's qualified membership of it, and
    that seeker's invitation to the published job."""
    from datetime import timedelta

    from portal.models import JobInvitation, ListMember, PrequalList
    from portal.models.types import utcnow
    from portal.timeutil import today_pacific

    today = today_pacific()
    plist = PrequalList(
        agency_id=agency.id,
        name="New graduates 2027",
        description="",
        intake_opens_on=today,
        intake_closes_on=today + timedelta(days=30),
        membership_months=12,
        visibility="partners",
        questions=[],
    )
    lister = make_user(role="seeker", name="Lee Lister")
    db.session.add(plist)
    db.session.flush()
    member = ListMember(
        list_id=plist.id,
        seeker_id=lister.id,
        status="qualified",
        answers=[],
        consent_text="consent",
        expires_at=utcnow() + timedelta(days=365),
    )
    invitation = JobInvitation(
        job_id=job.id, seeker_id=lister.id, agency_id=agency.id, list_id=plist.id
    )
    db.session.add_all([member, invitation])
    db.session.commit()
    return plist, member, invitation


def _visible_seeker(db, make_user):
    """A seeker who made their profile visible to agencies and uploaded a résumé."""
    from werkzeug.datastructures import FileStorage

    from portal.seekers import services as seekers

    seeker = make_user(role="seeker", name="Vera Visible")
    profile = seekers.get_or_create_profile(seeker)
    seekers.make_visible(profile, seeker)
    resume = seekers.attach_resume(
        seeker, FileStorage(io.BytesIO(b"%PDF-1.4 Vera"), filename="vera.pdf")
    )
    db.session.commit()
    return seeker, resume


def _application(db, make_user, job):
    """A required screening question on ``job``, and an application to it by a seeker with
    a résumé (not ``users["seeker"]``: an agency sees its applicants' profiles, and the
    ``/agency/people/{seeker}`` rows need a private seeker who did not apply)."""
    from flask import current_app
    from werkzeug.datastructures import FileStorage

    from portal.applications import services as applications
    from portal.seekers import resumes
    from portal.seekers import services as seekers

    question = applications.add_question(
        job,
        {
            "text": "Do you hold a valid Class 5 licence?",
            "kind": "yes_no",
            "required": True,
            "knockout_answer": None,
        },
        job.agency.owner,
    )
    applicant = make_user(role="seeker", name="Ann Applicant")
    seekers.get_or_create_profile(applicant).resume = resumes.store(
        applicant, FileStorage(io.BytesIO(b"%PDF-1.4 Ann"), filename="ann.pdf")
    )
    with current_app.test_request_context():  # the emails it sends carry links
        application = applications.apply(job, applicant, "Cover note", {question.id: "yes"})
    db.session.commit()
    return question, application
