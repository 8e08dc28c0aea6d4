"""Helpers for the browser tests (Playwright pages; the fixtures are in
``tests/browser/conftest.py``)."""

import re

from tests.support.pages import PASSWORD


def sign_in(page, base: str, email: str) -> None:
    """Sign in on the sign-in page, as a person would, and wait for their dashboard."""
    page.goto(base + "/login")
    page.get_by_label("Email address").fill(email)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    page.wait_for_url(re.compile(r"/(dashboard|agency)$"))
