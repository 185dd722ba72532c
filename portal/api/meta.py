"""The OpenAPI 3.1 document (/api/v1/openapi.json) and the API reference page rendered from it (/api/v1/docs).

Both are served by a small plain blueprint (not part of the document they describe). The reference is plain
server-rendered HTML: no script, no CDN, within the portal's CSP.
"""
from __future__ import annotations

from flask import Blueprint, jsonify, render_template

from committees.markdown import render_markdown

meta_bp = Blueprint("api_meta", __name__, url_prefix="/api/v1")

DESCRIPTION = """The Committee Portal's JSON API. Authorised by the same rules as the web pages.

**Authentication.** Send a personal access token (created on your profile page, or with
`flask --app wsgi tokens create EMAIL`) as `Authorization: Bearer cpt_…`. Tokens have a scope: `read`, or `write`
(which also reads). Without a token you see what the public sees; a browser signed in to the portal may also read
with its session. Writes (POST, PATCH) always need a write token.

**Errors** are JSON: `{"error": {"code": "…", "message": "…"}}`, with `fields` for invalid input (422).
**Lists** are paginated (`page`, `per_page` up to 100) with `next` and `prev` links, ordered stably.
**Rate limits**: writes per token, reads per token or address; over the limit the answer is 429 with Retry-After.
"""


def spec_options() -> dict:
    return {
        "info": {"description": DESCRIPTION},
        "components": {"securitySchemes": {"bearerAuth": {
            "type": "http", "scheme": "bearer",
            "description": "A personal access token: cpt_ followed by 43 characters."}}},
        "security": [{"bearerAuth": []}, {}],
    }


def spec_dict() -> dict:
    from portal.api import current_api

    return current_api().spec.to_dict()


@meta_bp.route("/openapi.json")
def openapi_json():
    response = jsonify(spec_dict())
    response.headers["Cache-Control"] = "no-cache"
    return response


METHODS = ("get", "post", "put", "patch", "delete")


def _schema_name(schema: dict | None) -> str:
    if not schema:
        return ""
    if "$ref" in schema:
        return schema["$ref"].rsplit("/", 1)[-1]
    kind = schema.get("type", "")
    if isinstance(kind, list):
        kind = " | ".join(kind)
    if kind == "array":
        return f"array of {_schema_name(schema.get('items'))}"
    if "enum" in schema:
        return f"{kind}: " + ", ".join(str(v) for v in schema["enum"] if v is not None)
    return kind or ("one of " + ", ".join(_schema_name(s) for s in schema.get("anyOf", [])))


def _operations(spec: dict) -> list[dict]:
    operations = []
    for path, item in spec.get("paths", {}).items():
        for method in METHODS:
            op = item.get(method)
            if op is None:
                continue
            params = [{"name": p["name"], "in": p["in"], "required": p.get("required", False),
                       "type": _schema_name(p.get("schema")), "description": p.get("description", "")}
                      for p in item.get("parameters", []) + op.get("parameters", [])]
            body = op.get("requestBody", {}).get("content", {}).get("application/json", {}).get("schema")
            responses = [{"status": status, "type": _schema_name(
                r.get("content", {}).get("application/json", {}).get("schema")) if "content" in r else "",
                          "description": r.get("description", r.get("$ref", "").rsplit("/", 1)[-1])}
                         for status, r in op.get("responses", {}).items()]
            operations.append({"method": method.upper(), "path": path, "summary": op.get("summary", ""),
                               "description": op.get("description", ""), "tags": op.get("tags", []),
                               "params": params, "body": _schema_name(body), "responses": responses,
                               "id": f"{method}-{path}".replace("/", "-").replace("{", "").replace("}", "")})
    return operations


def _schemas(spec: dict) -> list[dict]:
    found = []
    for name, schema in sorted(spec.get("components", {}).get("schemas", {}).items()):
        required = set(schema.get("required", []))
        fields = [{"name": key, "type": _schema_name(value), "required": key in required,
                   "description": value.get("description", "")} for key, value in schema.get("properties", {}).items()]
        found.append({"name": name, "fields": fields})
    return found


@meta_bp.route("/docs")
def reference():
    spec = spec_dict()
    operations = _operations(spec)
    tags: dict[str, list] = {}
    for op in operations:
        tags.setdefault((op["tags"] or ["API"])[0], []).append(op)
    schemas = _schemas(spec)
    return render_template("api/reference.html", spec=spec, tags=tags, schemas=schemas,
                           schema_names={s["name"] for s in schemas},
                           description_html=render_markdown(spec["info"].get("description", "")))
