"""Screenshots of the portal's main pages for the README, at 1280 and 375 px wide.

    .venv/bin/python scripts/screenshots.py  # seeds its own demo
    .venv/bin/python scripts/screenshots.py --base-url http://127.0.0.1:5000  # running

Without ``--base-url`` it builds a demo portal as `make run` does (migrate, reference data,
demo data, search index) in a temporary folder, serves it on a free port, and signs in as
each demo user in headless Chromium. Each page is saved as ``docs/screenshots/<name>-<width>.jpg``
(the top of the page as a person first sees it; JPEG keeps the repository small)."""

import argparse
import os
import re
import socket
import subprocess  # nosec B404: runs this repository's own flask commands
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

import pyotp
from playwright.sync_api import sync_playwright

ROOT = Path(__file__).resolve().parent.parent
FLASK = [str(ROOT / ".venv" / "bin" / "flask"), "--app", "portal"]
CHROMIUM = os.environ.get("PORTAL_CHROMIUM", "/usr/bin/chromium")
LAUNCH_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
]
WIDTHS = {1280: 900, 375: 812}
PASSWORD = "demo-password-2026"  # the demo's published password (portal/demo/services.py)

# who, then (file name, path or a link to follow from the page before)
PAGES = {
    None: [
        ("search", "/jobs?q=support+worker"),
        ("job", "link:main h3 a[href^='/jobs/']"),
    ],
    "seeker001@demo.sectorjobs.ca": [
        ("seeker-dashboard", "/dashboard"),
        ("seeker-profile", "/profile"),
        ("seeker-recommended", "/recommended"),
        ("seeker-week", "/recommended/week"),
        ("seeker-applications", "/applications"),
        ("seeker-alerts", "/alerts"),
    ],
    "owner.demo-001@demo.sectorjobs.ca": [
        ("agency-home", "/agency"),
        ("agency-jobs", "/agency/jobs"),
        ("agency-applicants", "link:a[href$='/applicants']"),
        ("agency-lists", "/agency/lists"),
        ("agency-returns", "/agency/returns"),
    ],
    "owner.demo-008@demo.sectorjobs.ca": [  # an agency that has reported
        ("agency-benchmark", "/agency/benchmark"),
    ],
    "champion@demo.sectorjobs.ca": [
        ("champion-lmi", "/lmi"),
        ("champion-periods", "/returns/periods"),
    ],
    "admin@demo.sectorjobs.ca": [
        ("admin", "/admin"),
        ("admin-agencies", "/admin/agencies"),
    ],
}


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def demo_portal(folder: Path) -> tuple[subprocess.Popen, str]:
    """Seed a demo portal in ``folder`` as `make run` does and serve it; (server, its URL)."""
    env = dict(
        os.environ,
        PORTAL_DATABASE_URL=f"sqlite:///{folder / 'portal.db'}",
        PORTAL_SEARCH_INDEX_DIR=str(folder / "search"),
        PORTAL_UPLOAD_DIR=str(folder / "uploads"),
        PORTAL_SECRET_KEY=os.urandom(24).hex(),
        PORTAL_MAIL_LOG_MESSAGES="false",
        PORTAL_RATELIMIT_ENABLED="false",
    )
    for command in (
        ["db", "upgrade"],
        ["portal", "load-reference"],
        ["portal", "seed-demo"],
        ["search", "reindex"],
    ):
        print("flask", *command, flush=True)
        subprocess.run(FLASK + command, env=env, cwd=ROOT, check=True, capture_output=True)  # nosec B603
    port = free_port()
    server = subprocess.Popen(  # nosec B603
        FLASK + ["run", "--port", str(port)],
        env=env,
        cwd=ROOT,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    base = f"http://127.0.0.1:{port}"
    for _ in range(100):
        try:
            urllib.request.urlopen(base + "/jobs", timeout=2)  # nosec B310: our own server
            return server, base
        except OSError:
            time.sleep(0.2)
    server.kill()
    sys.exit("the demo portal did not start")


def sign_in(page, base: str, email: str) -> None:
    page.goto(base + "/login")
    page.get_by_label("Email address").fill(email)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    page.wait_for_url(re.compile(r"/(dashboard|agency|two-step.*)$"))


def open_page(page, base: str, where: str) -> None:
    """Go to ``where`` (a path, or ``link:<css>`` to follow a link on the current page);
    champions and admins are asked to set up two-step sign-in first: do it, as they would."""
    if where.startswith("link:"):
        page.locator(where[5:]).first.click()
    else:
        page.goto(base + where)
    page.wait_for_load_state()
    if "/account/two-step/setup" in page.url:
        secret = page.locator("#secret").inner_text().replace(" ", "")
        page.locator("input[name=code]").fill(pyotp.TOTP(secret).now())
        page.locator("form input[type=submit], form button[type=submit]").last.click()
        page.wait_for_load_state()
        page.goto(base + where)


def shoot(browser, base: str, out: Path, kind: str) -> list[str]:
    saved = []
    for email, pages in PAGES.items():
        context = browser.new_context(viewport={"width": 1280, "height": WIDTHS[1280]})
        page = context.new_page()
        page.set_default_timeout(20000)
        if email:
            sign_in(page, base, email)
        for name, where in pages:
            open_page(page, base, where)
            for width, height in WIDTHS.items():
                page.set_viewport_size({"width": width, "height": height})
                page.evaluate("() => new Promise(requestAnimationFrame)")
                path = out / f"{name}-{width}.{kind.replace('jpeg', 'jpg')}"
                quality = {"quality": 70} if kind == "jpeg" else {}
                page.screenshot(path=str(path), type=kind, **quality)
                saved.append(path.name)
            page.set_viewport_size({"width": 1280, "height": WIDTHS[1280]})
        context.close()
    return saved


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--base-url", help="a running portal with the demo data (make run)")
    parser.add_argument("--out", default=str(ROOT / "docs" / "screenshots"))
    parser.add_argument("--format", choices=("jpeg", "png"), default="jpeg")
    args = parser.parse_args()
    out = Path(args.out)
    out.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory() as folder:
        server, base = (None, args.base_url) if args.base_url else demo_portal(Path(folder))
        try:
            with sync_playwright() as playwright:
                browser = playwright.chromium.launch(executable_path=CHROMIUM, args=LAUNCH_ARGS)
                saved = shoot(browser, base, out, args.format)
                browser.close()
        finally:
            if server:
                server.terminate()
                server.wait(timeout=10)
    print(f"{len(saved)} screenshots in {out}")


if __name__ == "__main__":
    main()
