"""The administration index: links to the coordinators' pages the reader may use."""
from __future__ import annotations

from flask import current_app, render_template, url_for
from flask_babel import lazy_gettext as _l

from committees import policy
from portal.admin import bp
from portal.loaders import ensure, user

# (URL path prefix of the page, policy action, title, description). The pages are found by path in
# the URL map so that a section whose blueprint is not there yet is simply not listed.
SECTIONS = (
    ("/admin/people", "person.manage", _l("People"), _l("Accounts, invitations, roles and deactivation.")),
    ("/admin/import", "import.run", _l("Import"), _l("Import organisations and people from a spreadsheet.")),
    ("/admin/audit", "audit.view", _l("Audit log"), _l("Who did what, when and from where.")),
    ("/admin/outbox", "outbox.view", _l("Outbox"), _l("Emails waiting to be sent, sent and failed.")),
)


def _page_url(prefix: str) -> str | None:
    """The URL of the argument-free GET page whose path starts with `prefix`, shortest first."""
    rules = [r for r in current_app.url_map.iter_rules()
             if r.rule.rstrip("/").startswith(prefix) and not r.arguments and "GET" in (r.methods or ())]
    if not rules:
        return None
    return url_for(min(rules, key=lambda r: len(r.rule)).endpoint)


@bp.route("/")
def index():
    ensure("person.manage")
    me = user()
    links = []
    for prefix, action, title, description in SECTIONS:
        url = _page_url(prefix)
        if url and policy.can(me, action):
            links.append((url, title, description))
    return render_template("admin/index.html", links=links)
