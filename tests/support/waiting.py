"""Waiting for a condition (never for a fixed time): poll it until it holds or a deadline
passes."""

import time


def wait_until(condition, timeout: float = 10.0, message: str = "", pause=None) -> None:
    """Poll ``condition()`` until it is true; fail after ``timeout`` seconds. ``pause`` waits
    between two polls (default 50 ms of ``time.sleep``; a browser test passes Playwright's
    own wait, which lets the page's events through meanwhile)."""
    deadline = time.monotonic() + timeout
    while not condition():
        assert time.monotonic() < deadline, message or f"not true within {timeout} s"
        if pause is None:
            time.sleep(0.05)
        else:
            pause()
