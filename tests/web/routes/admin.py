"""admin blueprint: coordinators' pages (people, import, audit log, outbox).

Expected per role (COORDINATORS = coordinator and admin):
  GET  /admin/, /admin/people, /admin/people/new, /admin/audit, /admin/outbox, /admin/import,
       /admin/import/template/<kind>.csv          COORDINATORS 200; others 403; public LOGIN
  GET  /admin/people/<member>                     COORDINATORS 200
  GET  /admin/people/<coordinator>                admin 200 only (coordinators' accounts are the admins')
  GET  /admin/people/<unknown>                    COORDINATORS 404; others 404 (looked up first); public 404
  POST /admin/people/new, /admin/people/<member>, .../invitation, .../deactivate, .../reactivate,
       /admin/import, /admin/import/confirm       COORDINATORS allowed; others 403; public LOGIN
  POST /admin/people/<member>/role                admin allowed; others 403; public LOGIN
  GET  /admin/outbox/<id>                         COORDINATORS 200 (SHOW_OUTBOX on in testing); unknown id 404
  GET  /admin/retention                           COORDINATORS 200; others 403; public LOGIN
  POST /admin/retention, /admin/retention/purge   COORDINATORS allowed; others 403; public LOGIN
  GET  /admin/trash; POST /admin/trash/<kind>/<id>/restore   COORDINATORS; others 403; public LOGIN
"""
from datetime import timedelta

from sqlalchemy import select

from committees.db import db
from committees.models import OutboxMessage
from committees.services import people
from tests.web.routes import ALLOWED, COORDINATORS, const, get, only, post


def member(path: str = ""):
    return lambda w: f"/admin/people/{w.alternate.id}{path}"


def deleted(kind: str):
    """The restore URL of a deleted meeting, proposal or document."""
    def make(w):
        from committees.db import utcnow
        from tests.web.routes.meetings import _cached, _new
        from tests.web.routes.proposals import _with_document, make_proposal

        if kind == "meetings":
            obj = _cached(w, "_deleted_meeting", _new)
        elif kind == "proposals":
            obj = _cached(w, "_deleted_proposal", lambda w: make_proposal(w, "submitted"))
        else:
            proposal = _cached(w, "_deleted_doc_proposal", lambda w: make_proposal(w, "draft"))
            _with_document(w, proposal)
            obj = proposal_documents(proposal)[0]
        obj.deleted_at = utcnow()
        db.session.commit()
        return f"/admin/trash/{kind}/{obj.id}/restore"

    return make


def proposal_documents(proposal):
    from committees.services import proposals as proposal_svc

    return proposal_svc.proposal_documents(proposal)


def outbox_message(world) -> str:
    people.request_password_reset(world.alternate.email, timedelta(hours=1))
    db.session.commit()
    message = db.session.scalars(select(OutboxMessage).order_by(OutboxMessage.id.desc())).first()
    return f"/admin/outbox/{message.id}"


EXPECTATIONS = [
    get("admin.index", const("/admin/"), only(COORDINATORS)),
    get("admin.list_people", const("/admin/people"), only(COORDINATORS)),
    get("admin.suggest_organisations", const("/admin/organisations.json?q=athens"), only(COORDINATORS)),
    get("admin.create_person", const("/admin/people/new"), only(COORDINATORS)),
    post("admin.create_person", const("/admin/people/new"), only(COORDINATORS, ALLOWED)),
    get("admin.edit_person", member(), only(COORDINATORS)),
    get("admin.edit_person", lambda w: f"/admin/people/{w.coordinator.id}", only(["admin"]),
        label="a coordinator's account"),
    get("admin.edit_person", const("/admin/people/999999"), only([], others=404, public=404), label="unknown"),
    post("admin.edit_person", member(), only(COORDINATORS, ALLOWED)),
    post("admin.invite_person", member("/invitation"), only(COORDINATORS, ALLOWED)),
    post("admin.deactivate_person", member("/deactivate"), only(COORDINATORS, ALLOWED)),
    post("admin.reactivate_person", member("/reactivate"), only(COORDINATORS, ALLOWED)),
    post("admin.set_person_role", member("/role"), only(["admin"], ALLOWED)),
    get("admin.list_audit_entries", const("/admin/audit"), only(COORDINATORS)),
    get("admin.list_outbox_messages", const("/admin/outbox"), only(COORDINATORS)),
    get("admin.show_outbox_message", outbox_message, only(COORDINATORS)),
    get("admin.show_outbox_message", const("/admin/outbox/999999"), only(COORDINATORS, 404), label="unknown"),
    get("admin.show_import", const("/admin/import"), only(COORDINATORS)),
    post("admin.preview_import", const("/admin/import"), only(COORDINATORS, ALLOWED)),
    post("admin.confirm_import", const("/admin/import/confirm"), only(COORDINATORS, ALLOWED)),
    get("admin.import_template", const("/admin/import/template/organisations.csv"), only(COORDINATORS)),
    get("admin.import_template", const("/admin/import/template/people.csv"), only(COORDINATORS), label="people"),
    get("admin.retention", const("/admin/retention"), only(COORDINATORS)),
    get("admin.show_trash", const("/admin/trash"), only(COORDINATORS)),
    post("admin.restore_deleted", deleted("meetings"), only(COORDINATORS, ALLOWED), label="meeting"),
    post("admin.restore_deleted", deleted("proposals"), only(COORDINATORS, ALLOWED), label="proposal"),
    post("admin.restore_deleted", deleted("documents"), only(COORDINATORS, ALLOWED), label="document"),
    post("admin.retention", const("/admin/retention"), only(COORDINATORS, ALLOWED), data=lambda w: {"years": "7"}),
    post("admin.purge_retention", const("/admin/retention/purge"), only(COORDINATORS, ALLOWED),
         data=lambda w: {"confirm": "y"}),
]
