"""Markdown that users write (job descriptions, agency profiles...) as safe HTML."""

from functools import lru_cache

import markdown as markdown_lib
import nh3
from markupsafe import Markup

MARKDOWN_TAGS = {
    "p",
    "br",
    "strong",
    "em",
    "ul",
    "ol",
    "li",
    "h2",
    "h3",
    "h4",
    "blockquote",
    "a",
    "code",
    "pre",
    "hr",
}


def render_markdown(text: str | None) -> Markup:
    """User Markdown to HTML, then sanitised: no raw HTML from users reaches a page."""
    return Markup(_clean_html(text or ""))  # nosec B704 # nh3 kept only safe tags and links


@lru_cache(maxsize=1024)  # a job page shows the same description to each visitor
def _clean_html(text: str) -> str:
    html = markdown_lib.markdown(text, extensions=["sane_lists"])
    return nh3.clean(
        html,
        tags=MARKDOWN_TAGS,
        attributes={"a": {"href"}},
        url_schemes={"http", "https", "mailto"},
        link_rel="nofollow noopener",
    )
