"""Query-string paging for every list page: one parser, one URL builder.

`page_args(default, maximum)` reads `page` and `per_page`: not a whole number, below 1, or a page
beyond MAX_PAGE -> 400 (a clear error, never a 500); `per_page` is clamped to `maximum`.
`page_url(n)` is the current URL with `page=n` and every other argument kept (a template global).
The page arithmetic itself lives in `committees.paging`; the markup in `templates/_macros/pager.html`.
"""
from __future__ import annotations

from flask import abort, request, url_for

MAX_PAGE = 100_000


def page_args(default: int = 50, maximum: int = 100) -> tuple[int, int]:
    try:
        page = int(request.args.get("page", "1"))
        per_page = int(request.args.get("per_page", str(default)))
    except ValueError:
        abort(400)
    if not 1 <= page <= MAX_PAGE or per_page < 1:
        abort(400)
    return page, min(per_page, maximum)


def page_url(page: int) -> str:
    args = request.args.to_dict()
    args["page"] = str(page)
    return url_for(request.endpoint, **(request.view_args or {}), **args)
