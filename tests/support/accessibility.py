"""Accessibility checks for the browser tests: ``Checker`` runs axe-core's WCAG 2.2 AA
rules (axe-playwright-python's copy of axe.min.js, tags wcag2a … wcag22aa, which include
``target-size``: tap targets of at least 24 × 24 px) on a page at 1280 and 375 px wide,
checks the page is no wider than the screen (WCAG 1.4.10 reflow; 375 px is narrower than
1280 px at 200 % zoom, so it also covers text at 200 %), and tabs through a page recording
each element that takes the focus, its name and whether its focus can be seen (an outline,
and not hidden behind another element such as a sticky header). ``Checker.on(page, base)``
checks a page a test already drives (the ``page`` fixture); ``tab_to`` moves the focus with
Tab alone, as a keyboard user does, checking each stop on the way.

Set ``PORTAL_SCREENSHOTS=<dir>`` to keep full-page screenshots of every page checked."""

import os
import re

from axe_playwright_python.base import AXE_SCRIPT

from portal.demo.services import DEMO_PASSWORD

WIDTHS = (1280, 375)
TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa"]
OPTIONS = {"runOnly": {"type": "tag", "values": TAGS}, "resultTypes": ["violations"]}

# What hides the focused element ``el``, if anything: at the centre of its first box (a link
# over two lines has two), the element on top must be ``el`` or inside it; else the
# covering element (a sticky header, a banner) is named. Off screen counts as hidden.
HIDDEN_BY = """el => {
  const box = el.getClientRects()[0] || el.getBoundingClientRect();
  const x = box.left + box.width / 2, y = box.top + box.height / 2;
  if (x < 0 || y < 0 || x >= innerWidth || y >= innerHeight) return "off screen";
  const top = document.elementFromPoint(x, y);
  if (!top || top === el || el.contains(top)) return null;
  const cls = typeof top.className === "string" && top.className.trim()
    ? "." + top.className.trim().split(/\\s+/).join(".") : "";
  return top.tagName.toLowerCase() + (top.id ? "#" + top.id : "") + cls;
}"""

# The focused element as a keyboard user meets it: its name (as a person hears it,
# roughly), whether its focus outline shows (2 px or more), and what hides it. ``picker``:
# the focus is on the picker button inside a date or time field (after its last part),
# which the browser rings itself; the field then does not match :focus.
FOCUSED = """el => {
  const picker = /^(date|time|datetime-local|month|week)$/.test(el.type || "")
    && !el.matches(":focus");
  const style = getComputedStyle(el);
  const box = el.getBoundingClientRect();
  const labels = el.labels ? [...el.labels].map(l => l.innerText).join(" ") : "";
  const name = (el.getAttribute("aria-label") || labels || el.innerText || el.value || "")
    .replace(/\\s+/g, " ").trim();
  return {
    tag: el.tagName.toLowerCase(),
    name,
    outline: style.outlineStyle !== "none" && parseFloat(style.outlineWidth) >= 2,
    visible: box.width > 0 && box.height > 0,
    hiddenBy: (HIDDEN_BY)(el),
    picker,
    html: el.outerHTML.slice(0, 160),
  };
}""".replace("HIDDEN_BY", HIDDEN_BY)

# After a key press: the focused element (``FOCUSED``), none if the page has it, and
# whether it is ``target``
STEP = """target => {
  const el = document.activeElement;
  return {reached: el === target, seen: el === document.body ? null : (FOCUSED)(el)};
}""".replace("FOCUSED", FOCUSED)
LANDED = """() => document.activeElement === document.body ? null
  : (FOCUSED)(document.activeElement)""".replace("FOCUSED", FOCUSED)

# Records each element that takes the focus: its name (as a person hears it, roughly) and
# whether the focus can be seen (the portal's outline, 2 px or more). Stops recording when
# the focus leaves ``within`` (a CSS selector, if given) or comes back to the first element.
# Moving between the parts of a time field (hour, minute, its picker) is not a new element.
WATCH_FOCUS = """within => {
  window.focusLog = [];
  window.focusDone = false;
  document.addEventListener("focusin", () => {
    const el = document.activeElement, log = window.focusLog;
    if (window.focusDone) return;
    if (within && !el.closest(within)) { window.focusDone = log.length > 0; return; }
    const seen = (FOCUSED)(el);  // the browser has scrolled it into view by now
    if (log.length && seen.html === log[0].html) { window.focusDone = true; return; }
    if (log.length && seen.html === log[log.length - 1].html) return;
    log.push(seen);
  });
}""".replace("FOCUSED", FOCUSED)
DONE = "() => window.focusDone || document.activeElement === document.body"

# Focus the last field before the part of the page ``within`` selects
BEFORE = """within => {
  const part = document.querySelector(within);
  const fields = [...document.querySelectorAll("a[href], button, input, select, textarea, summary")]
    .filter(f => part.compareDocumentPosition(f) & Node.DOCUMENT_POSITION_PRECEDING);
  fields[fields.length - 1].focus();
}"""


class Checker:
    """One browser context, signed in as ``email``; checks pages with axe at both widths
    and collects what it finds, so that one run reports every page."""

    def __init__(self, browser, base: str, email: str | None, password: str = DEMO_PASSWORD):
        # reduced motion: Bootstrap's smooth scrolling would leave the focused element off
        # screen for a moment after each Tab
        self.context = browser.new_context(
            viewport={"width": 1280, "height": 900}, reduced_motion="reduce"
        )
        self.page = self.context.new_page()
        self.page.set_default_timeout(15000)
        self.base = base
        self.problems: list[str] = []
        if email is None:
            return
        self.page.goto(base + "/login")
        self.page.get_by_label("Email address").fill(email)
        self.page.get_by_label("Password").fill(password)
        self.page.get_by_role("button", name="Sign in").click()
        self.page.wait_for_url(re.compile(r"/(dashboard|agency)$"))

    @classmethod
    def on(cls, page, base: str) -> "Checker":
        """A checker of ``page``, a page the test already drives (the ``page`` fixture's, or
        one of its own contexts): closing the checker leaves the page open."""
        page.emulate_media(reduced_motion="reduce")
        checker = cls.__new__(cls)
        checker.context = None
        checker.page = page
        checker.base = base
        checker.problems = []
        return checker

    def visit(self, path: str, name: str, part: str | None = None) -> None:
        response = self.page.goto(self.base + path)
        assert response is not None and response.status == 200, f"{path}: {response.status}"
        self.check(name, part)

    def check(self, name: str, part: str | None = None) -> None:
        """axe on the current page, or the ``part`` of it a CSS selector picks, at each width
        (and screenshots, if asked for); the whole page must fit the width."""
        page = self.page
        if not page.evaluate("() => typeof axe === 'object'"):
            page.evaluate(AXE_SCRIPT)  # once per page: it runs at both widths
        for width in WIDTHS:
            page.set_viewport_size({"width": width, "height": 900})
            page.evaluate("() => new Promise(requestAnimationFrame)")
            results = page.evaluate(
                "([part, options]) => axe.run(part || document, options)", [part, OPTIONS]
            )
            overflow = page.evaluate("() => document.documentElement.scrollWidth")
            if overflow > width:  # WCAG 1.4.10: no scrolling sideways to read the page
                self.problems.append(f"{name} at {width} px: the page is {overflow} px wide")
            for v in results["violations"]:
                targets = "; ".join(" ".join(n["target"]) for n in v["nodes"][:8])
                more = f" (+{len(v['nodes']) - 8} more)" if len(v["nodes"]) > 8 else ""
                self.problems.append(
                    f"{name} at {width} px: {v['id']} ({v['impact']}): {v['help']}\n"
                    f"    on {targets}{more}"
                )
            folder = os.environ.get("PORTAL_SCREENSHOTS")
            if folder:
                os.makedirs(folder, exist_ok=True)
                page.screenshot(path=os.path.join(folder, f"{name}-{width}.png"), full_page=True)
        page.set_viewport_size({"width": 1280, "height": 900})

    def tab_through(self, name: str, within: str | None = None) -> list[dict]:
        """Tab from the top of the page to its end (or through the part ``within``, a CSS
        selector, from the field before it); every element that took the focus. Each must
        have a name and a visible focus indicator, not hidden behind another element."""
        page = self.page
        page.evaluate(WATCH_FOCUS, within)
        page.locator("body").focus()
        if within:
            page.evaluate(BEFORE, within)
        for _ in range(40):
            for _ in range(10):
                page.keyboard.press("Tab")
            if page.evaluate(DONE):
                break
        seen = page.evaluate("() => window.focusLog")
        for f in seen:
            self._judge(name, f)
        return seen

    def _judge(self, name: str, f: dict) -> None:
        """The problems of one focus stop (``FOCUSED``), each reported once per page name."""
        if f["picker"]:
            return
        found = []
        if not f["name"]:
            found.append(f"{name}: focusable without a name: {f['html']}")
        if not f["outline"] or not f["visible"]:
            found.append(f"{name}: focus not visible on {f['html']}")
        if f["hiddenBy"]:
            found.append(f"{name}: focus hidden by {f['hiddenBy']} on {f['html']}")
        self.problems.extend(p for p in found if p not in self.problems)

    def tab_to(self, target, name: str, limit: int = 100, backwards: bool = False) -> None:
        """Press Tab (Shift+Tab if ``backwards``) until ``target`` (a Locator) has the
        focus, as someone with a keyboard alone does; every element the focus stops on
        must have a name, show its focus and not be hidden behind another element. Fails
        at once if ``target`` is never reached (the journey cannot go on)."""
        page = self.page
        key = "Shift+Tab" if backwards else "Tab"
        element = target.element_handle()  # Tab stays on the page: the element lasts
        path = []
        for _ in range(limit):
            page.keyboard.press(key)
            step = element.evaluate(STEP)
            if step["seen"]:
                self._judge(name, step["seen"])
                path.append(f"{step['seen']['tag']}: {step['seen']['name']}"[:60])
            if step["reached"]:
                return
        raise AssertionError(
            f"{name}: {limit} presses of {key} never reached {target}; the focus went to "
            + " | ".join(path[-30:])
        )

    def press(self, key: str, name: str, navigates: bool = False) -> None:
        """Press ``key`` on the focused element and check where the focus lands (on the
        next page, if the key ``navigates``: a link followed, a form sent)."""
        page = self.page
        if navigates:
            with page.expect_navigation():
                page.keyboard.press(key)
        else:
            page.keyboard.press(key)
        seen = page.evaluate(LANDED)
        if seen:
            self._judge(name, seen)

    def reaches(self, seen: list[dict], name: str, *wanted: str) -> None:
        """Each of ``wanted`` (a regular expression on the name) is reached with Tab."""
        names = [f"{f['tag']}: {f['name']}" for f in seen]
        for pattern in wanted:
            if not any(re.search(pattern, n) for n in names):
                self.problems.append(f"{name}: Tab never reaches {pattern!r}")

    def has_focus(self, target, name: str) -> None:
        """``target`` (a Locator: an error summary, say) has the focus as the page opens."""
        wanted, focused = target.evaluate(
            "el => el === document.activeElement ? [] : [el, document.activeElement]"
            ".map(e => e.outerHTML.slice(0, 80))"
        ) or (None, None)
        if wanted:
            self.problems.append(f"{name}: {wanted} does not take the focus ({focused} has it)")

    def close(self) -> None:
        if self.context is not None:
            self.context.close()


def report(problems: list[str]) -> str:
    return f"{len(problems)} accessibility problems:\n" + "\n".join(problems)
