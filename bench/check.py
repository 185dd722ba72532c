"""Is the generated data valid for the app? A sample of its pages in every state, as an administrator (who may see
everything) and as a representative: every one must answer 200. `python -m bench --parts check`; the query-growth
test (tests/web/test_query_growth.py) runs it on its small data sets too."""
from __future__ import annotations

from flask import Flask, url_for
from sqlalchemy import func, select

from bench.pages import sign_in
from committees.db import db
from committees.models import (
    ActionItem,
    Committee,
    Meeting,
    Minutes,
    Organisation,
    Person,
    Proposal,
    ProposalState,
)

PER_STATE = 3


def _sample(column, state_column) -> list:
    """Up to PER_STATE ids per distinct value of state_column (the lowest ids: deterministic)."""
    ids = []
    for state in db.session.scalars(select(state_column).distinct()):
        ids += db.session.scalars(select(column).where(state_column == state).order_by(column).limit(PER_STATE))
    return ids


def urls(app: Flask) -> list[tuple[str, str, str | None]]:
    """(endpoint, url, who reads it: None for the administrator) for a sample of everything generated; endpoints
    that do not exist yet are left out."""
    wanted: list[tuple[str, dict]] = []
    with app.app_context():
        for meeting_id in _sample(Meeting.id, Meeting.state):
            wanted += [("meetings.show_meeting", {"meeting_id": meeting_id}),
                       ("meetings.meeting_pack", {"meeting_id": meeting_id})]
        for meeting_id in _sample(Minutes.meeting_id, Minutes.state):
            wanted += [("minutes.show_minutes", {"meeting_id": meeting_id}),
                       ("minutes.list_versions", {"meeting_id": meeting_id}),
                       ("minutes.minutes_document", {"meeting_id": meeting_id})]
        for proposal_id in _sample(Proposal.id, Proposal.state):
            wanted.append(("proposals.show_proposal", {"proposal_id": proposal_id}))
        # Drafts are private to their organisation (404 to everyone else): read as their author.
        drafts = db.session.execute(select(Proposal.id, Person.email).join(Person, Person.id == Proposal.created_by_id)
                                    .where(Proposal.state == ProposalState.DRAFT).order_by(Proposal.id)
                                    .limit(PER_STATE)).all()
        authors = {proposal_id: email for proposal_id, email in drafts}
        for item_id in _sample(ActionItem.id, ActionItem.status):
            wanted.append(("actions.show_action", {"item_id": item_id}))
        for slug in db.session.scalars(select(Committee.slug).order_by(Committee.id).limit(PER_STATE)):
            for endpoint in ("bodies.show_committee", "bodies.show_roster", "meetings.list_meetings",
                             "minutes.committee_decisions", "actions.committee_actions",
                             "proposals.committee_proposals", "minutes.compiled_minutes"):
                wanted.append((endpoint, {"slug": slug}))
        for org_id in db.session.scalars(select(Organisation.id).order_by(func.random()).limit(PER_STATE)):
            wanted.append(("bodies.show_organisation", {"org_id": org_id}))
        for person_id in db.session.scalars(select(Person.id).order_by(Person.id).limit(PER_STATE)):
            wanted.append(("people.show_person", {"person_id": person_id}))
        wanted += [(e, {}) for e in ("main.home", "bodies.list_committees", "bodies.list_organisations",
                                     "actions.dashboard", "actions.my_actions", "proposals.list_proposals",
                                     "admin.list_people", "admin.list_audit_entries")]
    present = set(app.view_functions)
    with app.test_request_context():
        return [(endpoint, url_for(endpoint, **args), authors.get(args.get("proposal_id")) if
                 endpoint == "proposals.show_proposal" else None) for endpoint, args in wanted if endpoint in present]


def run(app: Flask, log=print) -> dict:
    """Request every sampled page (as the first administrator, drafts as their author); returns the failures
    (anything but 200)."""
    clients = {None: sign_in(app, "admin")}
    pages = urls(app)
    failures = []
    for endpoint, url, reader in pages:
        if reader not in clients:
            clients[reader] = sign_in(app, None, email=reader)
        status = clients[reader].get(url).status_code
        if status != 200:
            failures.append({"endpoint": endpoint, "url": url, "status": status})
            log(f"  {url}: HTTP {status}")
    return {"pages": len(pages), "failures": failures}
