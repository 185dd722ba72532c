"""Mass assignment and field-level access (security.md 4): fields a form does not carry (state, role, global_role,
is_admin, author_id, organisation_id, committee_id, version, ...) are ignored or refused, never written.

Generated from the forms the app renders: every POST form on the pages of the route matrix that a representative,
secretary, co-chair or coordinator opens is posted as the browser would, plus every extra field of EXTRAS it does
not carry, with hostile values. Then
- any form: no 5xx, and no row (changed or new) holds a hostile value in a column the form does not carry;
- the edit forms (TARGETS: profile, person, organisation, committee, meeting, agenda item, minutes, action item,
  proposal): the edited row changes in the form's own fields only (with their rendered HTML and the incidental
  bookkeeping columns of INCIDENTAL), nothing else — a new edit form without a target fails, naming it.
The contact details half of family 4 (shown only to those who may see them) is tested in test_people/test_roster
and, across committees, in test_object_access (other_rep's address and phone never reach another committee).
"""
from __future__ import annotations

import re
from datetime import datetime, timedelta

import pytest
from sqlalchemy import select

from committees.db import db
from committees.models import Committee, Person
from committees.services import meetings as meeting_svc
from tests import factories as f
from tests.conftest import login
from tests.security_fixtures import HtmlForm, harvest_forms, snapshot
from tests.web.routes import collect
from tests.web.routes.meetings import _cached
from tests.web.routes.meetings import meeting as meeting_url

ROLES = ("representative", "secretary", "cochair", "coordinator")
# Not a column on the forms' tables, or the session's own: posted anyway, nothing may follow from them.
EXTRAS = ("state", "status", "role", "global_role", "is_admin", "author_id", "created_by_id", "organisation_id",
          "committee_id", "meeting_id", "person_id", "version", "active", "is_primary_contact", "is_public", "email",
          "slug", "name", "password_hash", "submitted_at", "approved_at", "published_at", "deleted_at",
          "support_count", "city_reply", "owner_person_id", "decision_id", "proposal_id", "id")
# Edit forms: (action pattern, table, column the URL's id matches, how to find it from the match).
TARGETS = [
    (r"/profile", "person", "email", lambda m, role, w: getattr(w, role).email),
    (r"/admin/people/(\d+)", "person", "id", None),
    (r"/organisations/(\d+)/edit", "organisation", "id", None),
    (r"/committees/([a-z0-9-]+)/edit", "committee", "slug", None),
    (r"/meetings/(\d+)/edit", "meeting", "id", None),
    (r"/meetings/\d+/agenda/items/(\d+)/edit", "agenda_item", "id", None),
    (r"/meetings/(\d+)/minutes/edit", "minutes", "meeting_id", None),
    (r"/actions/(\d+)/edit", "action_item", "id", None),
    (r"/proposals/(\d+)/edit", "proposal", "id", None),
]
# Columns an edit may change besides the form's fields: bookkeeping, and values derived from the edited text.
INCIDENTAL = {"updated_at", "version", "current_version", "current_revision", "sequence", "changed_after_publish",
              "agenda_changed_at", "language", "mandate_html"}
# Forms that are not edits although their action ends in /edit.
EDIT_LIKE = re.compile(r".*/edit$|/profile$")


def hostile(world) -> dict[str, str]:
    """Values no form may lead to: ids of a person, organisation and committee that nothing else refers to."""
    if "_decoys" not in world.__dict__:
        org = f.make_org("Decoy Organisation", short_name="DEC")
        world.__dict__["_decoys"] = (f.make_person("decoy@example.org", org=org, name="Dee Decoy"), org,
                                     f.make_committee("Decoy Committee", slug="decoy"))
    other, outsider, health = world.__dict__["_decoys"]
    values = {"state": "published", "status": "done", "role": "cochair", "global_role": "admin", "is_admin": "y",
              "author_id": other.id, "created_by_id": other.id, "organisation_id": outsider.id,
              "committee_id": health.id, "meeting_id": 999999, "person_id": other.id, "version": 99,
              "active": "false", "is_primary_contact": "y", "is_public": "y", "email": "hijack@example.org",
              "slug": "hijacked", "name": "Hijacked", "password_hash": "x", "submitted_at": "2020-01-01",
              "approved_at": "2020-01-01", "published_at": "2020-01-01", "deleted_at": "2020-01-01",
              "support_count": 77, "city_reply": "Hijacked reply", "owner_person_id": other.id,
              "decision_id": 999999, "proposal_id": 999999, "id": 999999}
    return {k: str(v) for k, v in values.items()}


EDITED_TEXT = re.compile(r"title|full_name|job_title|note|description|mandate|body|summary|section_\d+")


def _base(name: str) -> str:
    return name.rpartition("-")[2]


def _prefix(form: HtmlForm) -> str:
    token = next((f.name for f in form.fields if f.name.endswith("csrf_token")), "csrf_token")
    return token[: -len("csrf_token")]


def with_extras(form: HtmlForm, values: dict[str, str]) -> tuple[dict, dict[str, str]]:
    """The form's data (its text fields changed, so an edit saves) plus every extra field it does not carry, under
    the form's prefix and without it."""
    data = form.data()
    for fld in form.fields:
        if fld.kind in ("text", "textarea") and (EDITED_TEXT.fullmatch(_base(fld.name))):
            data[fld.name] = [(fld.value or "Text") + " (edited)"]
    carried = {_base(f.name) for f in form.fields}
    extras = {k: v for k, v in values.items() if k not in carried}
    prefix = _prefix(form)
    for key, value in extras.items():
        data[key] = [value]
        if prefix:
            data[prefix + key] = [value]
    return data, extras


def _pages(world, role: str) -> list[str]:
    urls = [e.url(world) for e in collect() if e.method == "GET" and e.status_for(role) == 200
            and e.endpoint not in {"static", "bootstrap.static"}]
    if role in ("cochair", "coordinator"):  # a dated draft's edit form (a scheduled one's: see the xfail below)
        urls.append(f"/meetings/{_dated_draft(world).id}/edit")
    return urls


def _dated_draft(world):
    def make(w):
        start = (datetime.now() + timedelta(days=20)).replace(hour=10, minute=0, second=0, microsecond=0)
        return meeting_svc.create_meeting(w.cochair, w.committee, title="Dated draft", venue="City Hall",
                                          format="in_person", starts_at=start, ends_at=start + timedelta(hours=2))

    return _cached(world, "_dated_draft", make)


SKIP_ACTIONS = re.compile(r"/(logout|language|password/.*|invitation/.*|profile/password|profile/two-factor/.*)$")


@pytest.fixture
def forms(app, world):
    """(role, client, form) for every POST form the roles see (one per action and set of fields)."""
    result, seen = [], set()
    for role in ROLES:
        client = login(app.test_client(), getattr(world, role))
        for action, found in sorted(harvest_forms(client, _pages(world, role)).items()):
            for form in found:
                key = (action, tuple(sorted(f.name for f in form.fields)))
                if key in seen or SKIP_ACTIONS.search(action):
                    continue
                seen.add(key)
                result.append((role, client, form))
    return result


def _rows(snap: dict, table: str) -> dict[str, dict]:
    columns = list(db.metadata.tables[table].columns.keys())
    return {row[0]: dict(zip(columns, row)) for row in snap.get(table, [])}


# Forms whose purpose is to change a state or status (a workflow step, a membership decision, a progress update):
# whether they reach the right one is family 5 (test_*_workflow, tests/domain); here their other columns are checked.
STATE_FORMS = re.compile(r".*/(steps|transitions)/[a-z_]+|.*/members/(decide|status)|.*/updates")


def hostile_writes(before: dict, after: dict, extras: dict[str, str]) -> list[str]:
    """Columns named like an extra field that now hold its hostile value (in changed or new rows)."""
    found = []
    for table in after:
        old, new = _rows(before, table), _rows(after, table)
        for key, row in new.items():
            if row == old.get(key):
                continue
            for column, value in extras.items():
                if column in row and row[column] == value and old.get(key, {}).get(column) != value:
                    found.append(f"{table} {key}: {column}={value}")
    return found


def test_every_form_ignores_or_refuses_extra_fields(world, forms):
    values = hostile(world)
    wrong = []
    for role, client, form in forms:
        data, extras = with_extras(form, values)
        if STATE_FORMS.fullmatch(form.action):
            extras = {k: v for k, v in extras.items() if k not in ("state", "status")}
        before = snapshot()
        response = client.post(form.action, data=data)
        if response.status_code >= 500:
            wrong.append(f"{role} {form.action}: {response.status_code}")
            continue
        wrong += [f"{role} {form.action}: {hit}" for hit in hostile_writes(before, snapshot(), extras)]
    assert len(forms) >= 40, [f.action for *_x, f in forms]
    assert not wrong, "\n".join(wrong)


def _target(action: str, role: str, world):
    for pattern, table, column, value in TARGETS:
        match = re.fullmatch(pattern, action)
        if match:
            return table, column, (value(match, role, world) if value else match.group(1))
    return None


def test_every_edit_form_has_a_target(world, forms):
    missing = sorted({form.action for role, _c, form in forms
                      if EDIT_LIKE.fullmatch(form.action) and _target(form.action, role, world) is None})
    assert not missing, "add a TARGETS row for the edit form(s): " + ", ".join(missing)


def test_edit_forms_change_their_own_fields_only(world, forms):
    """Only the form's fields (and what derives from them) change in the edited row, extras notwithstanding."""
    values = hostile(world)
    wrong, edited = [], set()
    for role, client, form in forms:
        target = _target(form.action, role, world)
        if target is None:
            continue
        table, column, key = target
        data, _extras = with_extras(form, values)
        before = snapshot()
        response = client.post(form.action, data=data)
        after = snapshot()
        old = next((r for r in _rows(before, table).values() if r[column] == str(key)), None)
        new = next((r for r in _rows(after, table).values() if r[column] == str(key)), None)
        assert old is not None and new is not None, (form.action, table, key)
        changed = {c for c in new if new[c] != old[c]}
        allowed = {_base(f.name) for f in form.fields} | INCIDENTAL
        allowed |= {f"{c}_html" for c in allowed}
        if changed - allowed:
            wrong.append(f"{role} {form.action} ({response.status_code}): {sorted(changed - allowed)} changed")
        if changed and response.status_code < 400:
            edited.add(table)
    assert not wrong, "\n".join(wrong)
    # The edits went through (else the test proves nothing): every kind of edited row changed somewhere.
    assert {"person", "committee", "meeting", "agenda_item", "minutes", "action_item"} <= edited, edited


def test_cochairs_cannot_rename_or_move_their_committee(app, world):
    """Field-level access: name, slug and status are the coordinators' (committee.rename); the co-chair's edit
    form does not carry them, and posting them changes nothing but the mandate."""
    client = login(app.test_client(), world.cochair)
    response = client.post_form(f"/committees/{world.committee.slug}/edit", {
        "mandate": "New mandate", "name": "Renamed", "slug": "moved", "active": "", "is_public": "y"})
    assert response.status_code in (302, 400)
    committee = db.session.scalars(select(Committee).where(Committee.id == world.committee.id)).one()
    db.session.refresh(committee)
    assert (committee.name, committee.slug, committee.active) == ("Access and Legal Rights", "access-legal", True)


def test_profile_cannot_raise_its_own_role(app, world):
    client = login(app.test_client(), world.representative)
    client.post_form("/profile", {"full_name": "Rita Rep", "language": "en", "timezone": "", "job_title": "",
                                  "phone": "", "global_role": "admin", "is_admin": "y"})
    person = db.session.get(Person, world.representative.id)
    db.session.refresh(person)
    assert not person.is_coordinator and not person.is_admin


def test_the_detectors_notice_hostile_writes():
    """The checks themselves: a hostile value written to a changed or new row is found, an unchanged one is not."""
    person = list(db.metadata.tables["person"].columns.keys())
    row = {c: "" for c in person} | {"id": "1", "global_role": "none", "email": "a@example.org"}
    before = {"person": [tuple(row[c] for c in person)]}
    raised = dict(row, global_role="admin")
    new = {c: "" for c in person} | {"id": "2", "global_role": "admin"}
    after = {"person": [tuple(raised[c] for c in person), tuple(new[c] for c in person)]}
    assert hostile_writes(before, after, {"global_role": "admin"}) == ["person 1: global_role=admin",
                                                                      "person 2: global_role=admin"]
    assert hostile_writes(before, before, {"global_role": "admin"}) == []


def test_the_rendered_edit_form_of_a_scheduled_meeting_saves(app, world):
    client = login(app.test_client(), world.cochair)
    url = meeting_url("scheduled", "/edit")(world)
    form = harvest_forms(client, [url])[url][0]
    data = form.data() | {"title": ["Renamed meeting"]}
    assert client.post(url, data=data).status_code == 302
