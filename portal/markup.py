"""Markdown that users write (job descriptions, agency profiles...) as safe HTML."""

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
    html = markdown_lib.markdown(text or "", extensions=["sane_lists"])
    clean = nh3.clean(
        html,
        tags=MARKDOWN_TAGS,
        attributes={"a": {"href"}},
        url_schemes={"http", "https", "mailto"},
        link_rel="nofollow noopener",
    )
    return Markup(clean)  # nosec B704 # nh3 kept only the tags listed and safe links
