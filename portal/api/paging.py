"""Page-based paging for every API list: `page` and `per_page` in, `items`, `total` and `next`/`prev` links out.

Lists are ordered stably (every ordering ends with the id). Links are relative references (path and query), so
they never depend on the request's Host header.
"""
from __future__ import annotations

from urllib.parse import urlencode

import marshmallow as ma
from flask import request

MAX_PAGE = 100_000
MAX_PER_PAGE = 100


class PageArgs(ma.Schema):
    page = ma.fields.Integer(load_default=1, validate=ma.validate.Range(1, MAX_PAGE),
                             metadata={"description": "Page number, from 1."})
    per_page = ma.fields.Integer(load_default=25, validate=ma.validate.Range(1, MAX_PER_PAGE),
                                 metadata={"description": "Items per page (at most 100)."})


def _link(page: int) -> str:
    args = [(k, v) for k, v in request.args.items(multi=True) if k != "page"]
    args.append(("page", str(page)))
    return f"{request.path}?{urlencode(args)}"


def page_body(items: list, page: int, per_page: int, total: int | None = None, has_next: bool | None = None) -> dict:
    if has_next is None:
        has_next = total is not None and page * per_page < total
    return {"items": items, "page": page, "per_page": per_page, "total": total,
            "next": _link(page + 1) if has_next else None,
            "prev": _link(page - 1) if page > 1 else None}


_PAGES: dict[str, type[ma.Schema]] = {}


def page_schema(item_schema: type[ma.Schema], name: str) -> type[ma.Schema]:
    """A page of `item_schema` items (a named schema, so the document has one component per list)."""
    if name in _PAGES:
        return _PAGES[name]
    _PAGES[name] = type(name, (ma.Schema,), {
        "items": ma.fields.List(ma.fields.Nested(item_schema), required=True),
        "page": ma.fields.Integer(required=True),
        "per_page": ma.fields.Integer(required=True),
        "total": ma.fields.Integer(allow_none=True, required=True,
                                   metadata={"description": "How many in all (null where not counted)."}),
        "next": ma.fields.String(allow_none=True, required=True, metadata={"description": "The next page, or null."}),
        "prev": ma.fields.String(allow_none=True, required=True,
                                 metadata={"description": "The previous page, or null."}),
    })
    return _PAGES[name]
