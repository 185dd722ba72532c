"""Markdown rendered, then sanitised with nh3 (an allow-list). Render on save, not per request.

Markdown and nh3 are imported when a text is first rendered (on save): a web worker that only shows pages never
loads them (memory per worker, start-up)."""
from __future__ import annotations

ALLOWED_TAGS = {
    "a", "abbr", "b", "blockquote", "br", "code", "dd", "del", "div", "dl", "dt", "em", "h1", "h2",
    "h3", "h4", "h5", "h6", "hr", "i", "li", "ol", "p", "pre", "s", "span", "strong", "sub", "sup",
    "table", "tbody", "td", "th", "thead", "tr", "ul",
}
ALLOWED_ATTRIBUTES = {
    "a": {"href", "title"},
    "abbr": {"title"},
    "td": {"align"},
    "th": {"align"},
    "*": {"lang", "dir"},
}
URL_SCHEMES = {"http", "https", "mailto"}


def render_markdown(text: str | None) -> str:
    """Return safe HTML for a Markdown source; raw HTML in the source never passes through."""
    if not text:
        return ""
    import markdown as _markdown
    import nh3

    html = _markdown.markdown(text, extensions=["extra", "sane_lists"], output_format="html")
    return nh3.clean(
        html,
        tags=ALLOWED_TAGS,
        attributes=ALLOWED_ATTRIBUTES,
        url_schemes=URL_SCHEMES,
        link_rel="nofollow noopener noreferrer",
        strip_comments=True,
    )
