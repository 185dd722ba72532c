"""Objects that the members of `access-legal` must never reach: the `foreign` fixture (security.md 3, 4).

Everything is made through the services, so the objects are in realistic states:
- in the private committee `health` (its member `outsider_org`, its representative `other_rep`, the coordinator as
  its organiser): meetings in every state (draft, time poll, scheduled with an agenda item and documents, past,
  held with draft / circulated / approved minutes holding a decision and a comment), an action item, proposals
  (a draft, and a submitted one with a comment, a document and an invited co-sponsor), an outbox message;
- in `access-legal` itself: a draft proposal (with a document) of a third member organisation, `rival_org`:
  drafts are private to their organisation, co-chairs and secretaries included.

Each object carries a marker (`SEALED-...`) in its text: the markers must never show on a page a member of
`access-legal` opens. `other_rep`'s email address and phone number are markers too (contact details are for
those who share a committee with him).

`Foreign.scenarios()` groups the objects into URL parameter sets that belong together (a meeting with its agenda
item and document, minutes with their decision, ...) for tests/web/test_object_access.py; `control` is a person
who may reach them (so a 404 for a member proves the check, not a missing object).
"""
from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from html.parser import HTMLParser
from typing import Any
from urllib.parse import urlsplit

import pytest

from committees.db import db, utcnow
from committees.models import CommitteeRoleKind, MeetingFormat, MeetingState, OutboxMessage, Person
from committees.services import actions as action_svc
from committees.services import agendas as agenda_svc
from committees.services import documents as document_svc
from committees.services import meetings as meeting_svc
from committees.services import minutes as minutes_svc
from committees.services import proposals as proposal_svc
from tests import factories as f

PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"
SEAL = "SEALED"
PROPOSAL_TEXT = dict(summary="SEALED-proposal-summary", body="SEALED-proposal-body",
                     target_group="Asylum seekers", expected_impact="Fewer missed appointments",
                     timeframe="12 months")
OTHER_REP_PHONE = "+30 210 555 0199"
PERSONAS = ("representative", "cochair", "secretary")
"""Members of access-legal (staff of its NGO and of its municipal body) who try to reach the foreign objects."""


_MARKERS: list[str] = []


def marker(kind: str) -> str:
    """A text only the foreign objects hold (searching for SEAL + '-' finds them all; the page that echoes the
    search shows SEAL + '-' but never a whole marker)."""
    text = f"{SEAL}-{kind}"
    if text not in _MARKERS:
        _MARKERS.append(text)
    return text


@dataclass
class Scenario:
    """URL parameter values that belong together (keys: a parameter name, or '<blueprint>:<name>' where one name
    means different objects in different blueprints), and who may reach them."""

    label: str
    values: dict[str, Any]
    control: Person

    def value(self, blueprint: str, name: str) -> Any:
        return self.values.get(f"{blueprint}:{name}", self.values.get(name))

    def provides(self, blueprint: str, names) -> bool:
        return all(self.value(blueprint, n) is not None for n in names)


@dataclass
class Foreign:
    world: Any
    committee: Any
    rival_org: Any
    rival_rep: Any
    partner_org: Any
    meetings: dict[str, Any] = field(default_factory=dict)
    minutes: dict[str, Any] = field(default_factory=dict)
    items: dict[str, Any] = field(default_factory=dict)
    documents: dict[str, Any] = field(default_factory=dict)
    proposals: dict[str, Any] = field(default_factory=dict)
    action: Any = None
    comment: Any = None
    message: Any = None
    api_token: Any = None

    @property
    def markers(self) -> list[str]:
        """Texts that only those who may see the foreign objects ever see."""
        return [*_MARKERS, self.world.other_rep.email, OTHER_REP_PHONE]

    def scenarios(self) -> list[Scenario]:
        w, coordinator = self.world, self.world.coordinator
        m, docs = self.meetings, self.documents
        minutes = self.minutes
        return [
            Scenario("the private committee", {"slug": self.committee.slug}, coordinator),
            Scenario("a draft meeting", {"meeting_id": m["draft"].id}, coordinator),
            Scenario("a meeting with an open time poll", {"meeting_id": m["poll"].id}, coordinator),
            Scenario("a scheduled meeting, its agenda item and documents",
                     {"meeting_id": m["scheduled"].id, "meetings:item_id": self.items["scheduled"].id,
                      "document_id": docs["meeting"].id}, coordinator),
            Scenario("a past meeting not yet marked held", {"meeting_id": m["past"].id}, coordinator),
            Scenario("a held meeting with draft minutes and their decision",
                     {"meeting_id": m["draft_minutes"].id, "decision_id": minutes["draft"].decisions[0].id,
                      "meetings:item_id": self.items["draft_minutes"].id}, coordinator),
            Scenario("minutes under circulation and their decision",
                     {"meeting_id": m["circulated_minutes"].id,
                      "decision_id": minutes["circulated"].decisions[0].id}, coordinator),
            Scenario("approved minutes", {"meeting_id": m["approved_minutes"].id}, coordinator),
            Scenario("an action item", {"actions:item_id": self.action.id, "api:item_id": self.action.id}, coordinator),
            Scenario("a submitted proposal, its comment, document and invited co-sponsor",
                     {"proposal_id": self.proposals["submitted"].id, "comment_id": self.comment.id,
                      "document_id": docs["submitted_proposal"].id, "organisation_id": self.partner_org.id},
                     coordinator),
            Scenario("a draft proposal in the private committee", {"proposal_id": self.proposals["draft"].id},
                     w.other_rep),
            Scenario("a draft proposal of another organisation of access-legal, with its document",
                     {"proposal_id": self.proposals["rival_draft"].id, "document_id": docs["rival_draft"].id},
                     self.rival_rep),
            Scenario("a person of another committee", {"person_id": w.other_rep.id}, coordinator),
            Scenario("an organisation of another committee",
                     {"org_id": w.outsider_org.id, "organisation_id": w.outsider_org.id}, coordinator),
            Scenario("a mail to a person of another committee", {"message_id": self.message.id}, coordinator),
            Scenario("an API token of a person of another committee", {"token_id": self.api_token.id}, w.other_rep),
            Scenario("a deleted meeting of the private committee, in the trash",
                     {"kind": "meetings", "object_id": m["deleted"].id}, coordinator),
        ]


def _at(days: int, hour: int = 10) -> datetime:
    return (datetime.now() + timedelta(days=days)).replace(hour=hour, minute=0, second=0, microsecond=0)


def _meeting(organiser, committee, kind: str, days: int | None):
    times = {} if days is None else {"starts_at": _at(days), "ends_at": _at(days, 12)}
    return meeting_svc.create_meeting(organiser, committee, title=marker(f"meeting-{kind}"), venue="Clinic",
                                      format=MeetingFormat.IN_PERSON.value, description=marker("description"),
                                      **times)


def _held(organiser, committee, kind: str):
    meeting = _meeting(organiser, committee, kind, -3)
    item = agenda_svc.add_item(organiser, meeting, title=marker(f"item-{kind}"))
    meeting.state = MeetingState.HELD
    db.session.flush()
    return meeting, item


def _minutes(foreign: Foreign, state: str) -> None:
    coordinator = foreign.world.coordinator
    meeting, item = _held(coordinator, foreign.committee, f"{state}-minutes")
    minutes = minutes_svc.create_minutes(coordinator, meeting)
    minutes_svc.save_minutes(coordinator, minutes, {s.id: marker(f"discussion-{state}") for s in minutes.sections},
                             minutes.version)
    minutes_svc.add_decision(coordinator, minutes, marker(f"decision-{state}"), section=minutes.sections[0])
    if state != "draft":
        minutes_svc.transition_minutes(coordinator, minutes, "circulate", comments_deadline=utcnow() + timedelta(7))
        minutes_svc.comment(foreign.world.other_rep, minutes, marker(f"comment-{state}"))
    if state == "approved":
        minutes_svc.transition_minutes(coordinator, minutes, "approve", approved_how="cochairs")
    foreign.meetings[f"{state}_minutes"], foreign.minutes[state], foreign.items[f"{state}_minutes"] = \
        meeting, minutes, item


def make_foreign(world) -> Foreign:
    coordinator, other_rep, health = world.coordinator, world.other_rep, world.other_committee
    other_rep.phone = OTHER_REP_PHONE
    rival_org = f.make_org("Rival Advocacy Network", short_name="RAN")
    f.make_membership(world.committee, rival_org)
    rival_rep = f.make_person("rival.rep@example.org", org=rival_org, name="Rhea Rival")
    f.give_role(rival_rep, world.committee, CommitteeRoleKind.REPRESENTATIVE, primary=True)
    partner_org = f.make_org("Health Partner Clinic", short_name="HPC")
    f.make_membership(health, partner_org)
    foreign = Foreign(world, health, rival_org, rival_rep, partner_org)

    m = foreign.meetings
    m["draft"] = _meeting(coordinator, health, "draft", 9)
    m["poll"] = _meeting(coordinator, health, "poll", None)
    meeting_svc.open_poll(coordinator, m["poll"], [(_at(5), _at(5, 12)), (_at(6), _at(6, 12))])
    m["scheduled"] = _meeting(coordinator, health, "scheduled", 7)
    foreign.items["scheduled"] = agenda_svc.add_item(coordinator, m["scheduled"], title=marker("item-scheduled"))
    meeting_svc.schedule_meeting(coordinator, m["scheduled"])
    foreign.documents["meeting"] = document_svc.upload_document(
        coordinator, m["scheduled"], f"{marker('document-meeting')}.pdf", PDF, max_bytes=10**6,
        item=foreign.items["scheduled"])
    m["deleted"] = _meeting(coordinator, health, "draft", 8)
    m["deleted"].deleted_at = m["deleted"].created_at  # in the trash
    m["past"] = _meeting(coordinator, health, "past", -1)
    m["past"].state = MeetingState.SCHEDULED
    meeting_svc._ensure_invitations(m["past"])
    for state in ("draft", "circulated", "approved"):
        _minutes(foreign, state)

    foreign.action = action_svc.create_action(coordinator, health, title=marker("action"),
                                              description=marker("action-description"),
                                              owner_person_id=other_rep.id, due_on=date.today() + timedelta(9))

    p = foreign.proposals
    p["draft"] = proposal_svc.create_proposal(other_rep, health, title=marker("proposal-draft"), **PROPOSAL_TEXT)
    p["submitted"] = proposal_svc.create_proposal(other_rep, health, title=marker("proposal-submitted"),
                                                  **PROPOSAL_TEXT)
    proposal_svc.transition_proposal(other_rep, p["submitted"], "submit")
    foreign.comment = proposal_svc.add_comment(other_rep, p["submitted"], marker("proposal-comment"))
    foreign.documents["submitted_proposal"] = proposal_svc.attach_document(
        other_rep, p["submitted"], f"{marker('document-proposal')}.pdf", PDF, max_bytes=10**6)
    proposal_svc.invite_cosponsor(other_rep, p["submitted"], partner_org)
    p["rival_draft"] = proposal_svc.create_proposal(rival_rep, world.committee, title=marker("proposal-rival"),
                                                    **PROPOSAL_TEXT)
    foreign.documents["rival_draft"] = proposal_svc.attach_document(
        rival_rep, p["rival_draft"], f"{marker('document-rival')}.pdf", PDF, max_bytes=10**6)

    foreign.message = OutboxMessage(to_address=other_rep.email, subject=marker("mail"), body_text=marker("mail"),
                                    body_html="", kind="proposal_submitted")
    db.session.add(foreign.message)
    from committees.services import tokens

    foreign.api_token = tokens.create_token(other_rep, other_rep, name=marker("token"))[0]
    db.session.commit()
    return foreign


@pytest.fixture(name="foreign")
def foreign_fixture(world) -> Foreign:
    """Import `foreign_fixture` into a test module to use the `foreign` fixture."""
    return make_foreign(world)


# -- the forms a page offers (for tests that post what a browser would) ------------------------------------------

@dataclass
class HtmlField:
    name: str
    kind: str  # input type, "select", "textarea" or "submit"
    value: str = ""
    checked: bool = False
    options: list[str] = field(default_factory=list)
    selected: list[str] = field(default_factory=list)
    lookup: str = ""  # a type-ahead field's suggestions address (portal/lookup.py); its id goes in <name>_id


@dataclass
class HtmlForm:
    method: str
    action: str
    fields: list[HtmlField] = field(default_factory=list)

    def data(self) -> dict[str, list[str]]:
        """What a browser submits with the form as rendered (its 'submit' button, else the first named one; a radio
        group's checked choice or else its first; a select's selected options or else its first non-empty one; no
        files)."""
        out: dict[str, list[str]] = {}
        buttons = [f for f in self.fields if f.kind == "submit"]
        pressed = next((b for b in buttons if b.name.endswith("submit")), buttons[0] if buttons else None)
        for fld in self.fields:
            if fld.kind == "file":
                continue
            if fld.kind == "submit":
                if fld is pressed:
                    out.setdefault(fld.name, []).append(fld.value)
                continue
            if fld.kind == "checkbox":
                if fld.checked:
                    out.setdefault(fld.name, []).append(fld.value or "y")
                continue
            if fld.kind == "radio":
                if fld.checked or fld.name not in out:
                    out[fld.name] = [fld.value]
                continue
            if fld.kind == "select":
                chosen = fld.selected or [next((o for o in fld.options if o), "")]
                out.setdefault(fld.name, []).extend(chosen)
                continue
            out.setdefault(fld.name, []).append(fld.value)
        return out

    def field(self, name: str) -> HtmlField | None:
        return next((f for f in self.fields if f.name == name), None)


class _FormParser(HTMLParser):
    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.forms: list[HtmlForm] = []
        self._form: HtmlForm | None = None
        self._select: HtmlField | None = None
        self._textarea: HtmlField | None = None

    def handle_starttag(self, tag, attrs):
        a = {k: (v if v is not None else "") for k, v in attrs}
        if tag == "form":
            self._form = HtmlForm(a.get("method", "get").lower(), a.get("action", ""))
        elif self._form is None or not a.get("name") and tag != "option":
            return
        elif tag == "input":
            self._form.fields.append(HtmlField(a["name"], a.get("type", "text").lower(), a.get("value", ""),
                                               "checked" in a, lookup=a.get("data-lookup", "")))
        elif tag == "button" and a.get("type", "submit") == "submit":
            self._form.fields.append(HtmlField(a["name"], "submit", a.get("value", "")))
        elif tag == "select":
            self._select = HtmlField(a["name"], "select")
        elif tag == "option" and self._select is not None and "value" in a:
            self._select.options.append(a["value"])
            if "selected" in a:
                self._select.selected.append(a["value"])
        elif tag == "textarea":
            self._textarea = HtmlField(a["name"], "textarea")

    def handle_data(self, data):
        if self._textarea is not None:
            self._textarea.value += data

    def handle_endtag(self, tag):
        if tag == "form" and self._form is not None:
            self.forms.append(self._form)
            self._form = None
        elif tag == "select" and self._select is not None and self._form is not None:
            self._form.fields.append(self._select)
            self._select = None
        elif tag == "textarea" and self._textarea is not None and self._form is not None:
            value = self._textarea.value  # the browser drops one newline right after <textarea>
            self._textarea.value = value[2:] if value.startswith("\r\n") else value.removeprefix("\n")
            self._form.fields.append(self._textarea)
            self._textarea = None


def page_forms(html: str, page_url: str = "") -> list[HtmlForm]:
    """The POST forms of a page, their actions made absolute paths (an empty action posts to the page)."""
    parser = _FormParser()
    parser.feed(html)
    forms = [form for form in parser.forms if form.method == "post"]
    for form in forms:
        action = urlsplit(form.action or page_url)
        form.action = action.path + (f"?{action.query}" if action.query else "")
    return forms


def harvest_forms(client, urls) -> dict[str, list[HtmlForm]]:
    """Every POST form on the pages (by action), as `client` sees them."""
    found: dict[str, list[HtmlForm]] = {}
    for url in urls:
        response = client.get(url)
        if response.status_code != 200 or response.mimetype != "text/html":
            continue
        for form in page_forms(response.get_data(as_text=True), url):
            found.setdefault(form.action, []).append(form)
    return found


# -- the database, for "nothing was written" ---------------------------------------------------------------------

TRACES = {"audit_entry", "login_session", "api_token"}
"""Tables a refused request may still write: the audit log records refusals (security.md 30), the session row and
the API token note their last use (idle timeout, the token list)."""


def snapshot(ignore: set[str] = TRACES, *, expire: bool = True) -> dict[str, list[tuple]]:
    """Every row of every table but `ignore`, to compare before and after a request (`expire=False`: as the current
    transaction sees them, its own flushed writes included)."""
    from sqlalchemy import select

    if expire:
        db.session.expire_all()
    return {table.name: sorted((tuple(str(v) for v in row) for row in db.session.execute(select(table))))
            for table in db.metadata.sorted_tables if table.name not in ignore}


def changed_tables(before: dict, after: dict) -> list[str]:
    return sorted(name for name in after if after[name] != before.get(name))


# -- injecting a failure half-way through a service (security.md 26) ---------------------------------------------

class Injected(RuntimeError):
    """The failure a Seam raises."""


class Seam:
    """Make a writer every multi-step service uses fail on its n-th call: `committees.audit.record` ("audit") or
    `queue_mail` ("mail", wherever a module holds it). The calls before run normally; at the failing one the
    transaction is flushed and what it has written so far is noted in `written` (so "half-way" is proven)."""

    TARGETS = {"audit": ("committees.audit", "record"), "mail": ("committees.services.mail", "queue_mail")}

    def __init__(self, monkeypatch, target: str, fail_on: int, before: dict, ignore: set[str]):
        import importlib
        import sys

        module, name = self.TARGETS[target]
        original = getattr(importlib.import_module(module), name)
        self.target, self.fail_on, self.calls, self.written = target, fail_on, 0, []

        def failing(*args, **kwargs):
            self.calls += 1
            if self.calls == self.fail_on:
                db.session.flush()
                self.written = changed_tables(before, snapshot(ignore, expire=False))
                raise Injected(f"injected into {target} call {self.calls}")
            return original(*args, **kwargs)

        for loaded in list(sys.modules.values()):
            if getattr(loaded, "__name__", "").startswith(("committees", "portal")):
                for attr, value in list(vars(loaded).items()):
                    if value is original:
                        monkeypatch.setattr(loaded, attr, failing)

    @property
    def fired(self) -> bool:
        return self.calls >= self.fail_on
