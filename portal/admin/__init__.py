"""Coordinators' pages: people, import, audit log, outbox."""
from flask import Blueprint

bp = Blueprint("admin", __name__, url_prefix="/admin")

from portal.admin import audit_views, import_views, people_views, retention_views, trash_views, views  # noqa: E402,F401,I001
