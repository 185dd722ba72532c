"""The administration index: links to the coordinators' pages the reader may use."""
from __future__ import annotations

from flask import current_app, render_template, url_for
from flask_babel import lazy_gettext as _l

from committees import policy
from portal.admin import bp
from portal.loaders import ensure, user

# (endpoint, policy action, config flag that must be on or None, title, description)
SECTIONS = (
    ("admin.list_people", "person.manage", None, _l("People"),
     _l("Accounts, invitations, roles and deactivation.")),
    ("admin.show_import", "import.run", None, _l("Import"),
     _l("Import organisations and people from a spreadsheet.")),
    ("admin.list_audit_entries", "audit.view", None, _l("Audit log"),
     _l("Who did what, when and from where.")),
    ("admin.list_outbox_messages", "outbox.view", "SHOW_OUTBOX", _l("Outbox"),
     _l("Emails waiting to be sent, sent and failed.")),
    ("admin.show_trash", "trash.restore", None, _l("Trash"),
     _l("Deleted meetings, proposals and documents, to restore.")),
    ("admin.retention", "retention.manage", None, _l("Retention"),
     _l("After how many years the attachments of closed items are purged.")),
)


@bp.route("/")
def index():
    ensure("person.manage")
    me = user()
    links = [(url_for(endpoint), title, description)
             for endpoint, action, flag, title, description in SECTIONS
             if policy.can(me, action) and (flag is None or current_app.config.get(flag))]
    return render_template("admin/index.html", links=links)
