"""Action items on the web: creating them (directly and from a decision in the minutes), owners limited to the
committee with the input kept, progress updates with status changes and the history, who may update, cancelling
with a reason, editing with a version (409 on a concurrent change), and inert user text."""
from __future__ import annotations

from datetime import date, timedelta

import pytest
from sqlalchemy import func, select

from committees.db import db
from committees.models import AuditEntry
from committees.models.actions import ActionItem, ActionStatus
from committees.services import actions as svc
from committees.services import minutes as minutes_svc
from tests import factories as f
from tests.web.test_minutes import held


def audits(action: str) -> int:
    return db.session.scalar(select(func.count()).select_from(AuditEntry).where(AuditEntry.action == action))


def item_for(world, title="Write to the ministry", **values):
    if not values:
        values = {"owner_person_id": world.representative.id}
    item = svc.create_action(world.cochair, world.committee, title=title, **values)
    db.session.commit()
    return item


def fresh(item) -> ActionItem:
    db.session.expire_all()
    return db.session.get(ActionItem, item.id)


def decision_for(world, text="The committee writes to the ministry about delays.", committee=None):
    meeting = held(world, committee=committee, present=None if committee is None else False)
    chair = world.cochair if committee is None else world.coordinator
    minutes = minutes_svc.create_minutes(chair, meeting)
    decision = minutes_svc.add_decision(chair, minutes, text, section=minutes.sections[0])
    db.session.commit()
    return decision


def page(response) -> str:
    return response.get_data(as_text=True)


# -- creating --------------------------------------------------------------------------------------

def test_create_directly(world, login_as):
    client = login_as(world.cochair)
    form = page(client.get("/committees/access-legal/actions/new"))
    assert "Rita Rep" in form and "Solidarity Now Athens" in form
    assert "Omar Other" not in form and "Unrelated Academic Institute" not in form  # not of this committee
    response = client.post_form("/committees/access-legal/actions/new", {
        "title": "Call the lawyers", "description": "See **the list**", "owner_person_id": str(world.representative.id),
        "owner_organisation_id": str(world.ngo.id), "due_on": "2031-05-01", "priority": "high", "status": "open"})
    assert response.status_code == 302
    item = db.session.scalars(select(ActionItem)).one()
    assert response.headers["Location"].endswith(f"/actions/{item.id}")
    assert (item.title, item.owner_person_id, item.owner_organisation_id, item.due_on, item.priority.value) == (
        "Call the lawyers", world.representative.id, world.ngo.id, date(2031, 5, 1), "high")
    assert item.decision_id is None and item.created_by_id == world.cochair.id
    assert "<strong>the list</strong>" in item.description_html and audits("action.create") == 1
    shown = page(client.get(f"/actions/{item.id}"))
    assert "Call the lawyers" in shown and "Created directly" in shown and "<strong>the list</strong>" in shown


def test_create_with_an_initial_status_records_it_in_the_history(world, login_as):
    client = login_as(world.coordinator)
    response = client.post_form("/committees/access-legal/actions/new", {
        "title": "Already started", "owner_organisation_id": str(world.municipal.id), "priority": "normal",
        "status": "in_progress"})
    assert response.status_code == 302
    item = db.session.scalars(select(ActionItem)).one()
    assert item.status == ActionStatus.IN_PROGRESS
    assert [(u.old_status, u.new_status) for u in item.updates] == [(ActionStatus.OPEN, ActionStatus.IN_PROGRESS)]


def test_create_from_a_decision(world, login_as):
    decision = decision_for(world)
    client = login_as(world.cochair)
    form = page(client.get(f"/committees/access-legal/actions/new?decision={decision.id}"))
    assert f"From decision {decision.number}" in form and "writes to the ministry about delays" in form
    response = client.post_form(f"/committees/access-legal/actions/new?decision={decision.id}", {
        "title": "Draft the letter", "owner_person_id": str(world.secretary.id), "priority": "normal",
        "status": "open"})
    assert response.status_code == 302
    item = db.session.scalars(select(ActionItem)).one()
    assert (item.decision_id, item.meeting_id) == (decision.id, decision.meeting_id)
    shown = page(client.get(f"/actions/{item.id}"))
    assert f"/meetings/{decision.meeting_id}/minutes#decision-{decision.id}" in shown
    assert f'href="/meetings/{decision.meeting_id}"' in shown and "writes to the ministry about delays" in shown
    minutes_page = page(client.get(f"/meetings/{decision.meeting_id}/minutes"))
    assert "Draft the letter" in minutes_page


def test_create_at_a_meeting(world, login_as):
    meeting = held(world)
    other = held(world, committee=world.other_committee, present=False, title="Elsewhere")
    client = login_as(world.cochair)
    form = page(client.get(f"/committees/access-legal/actions/new?meeting={meeting.id}"))
    assert f'<option selected value="{meeting.id}">June meeting' in form and "Elsewhere" not in form
    assert '<option selected value="">No meeting' in page(client.get(
        f"/committees/access-legal/actions/new?meeting={other.id}"))  # another committee's: not preselected
    response = client.post_form("/committees/access-legal/actions/new", {
        "title": "Book the hall", "owner_person_id": str(world.secretary.id), "priority": "normal",
        "status": "open", "meeting_id": str(other.id)})
    assert response.status_code == 400 and "Not a valid choice" in page(response)
    response = client.post_form("/committees/access-legal/actions/new", {
        "title": "Book the hall", "owner_person_id": str(world.secretary.id), "priority": "normal",
        "status": "open", "meeting_id": str(meeting.id)})
    assert response.status_code == 302
    item = db.session.scalars(select(ActionItem)).one()
    assert (item.meeting_id, item.decision_id) == (meeting.id, None)
    assert f'href="/meetings/{meeting.id}"' in page(client.get(f"/actions/{item.id}"))


@pytest.mark.parametrize("value", ["abc", "999999", "-1"])
def test_unknown_decision_is_404(world, login_as, value):
    client = login_as(world.cochair)
    assert client.get(f"/committees/access-legal/actions/new?decision={value}").status_code == 404


def test_another_committees_decision_is_404(world, login_as):
    decision = decision_for(world, committee=world.other_committee)
    client = login_as(world.coordinator)
    assert client.get(f"/committees/access-legal/actions/new?decision={decision.id}").status_code == 404
    response = client.post_form(f"/committees/access-legal/actions/new?decision={decision.id}", {
        "title": "Sneaky", "owner_person_id": str(world.representative.id), "priority": "normal", "status": "open"})
    assert response.status_code == 404
    assert db.session.scalar(select(func.count()).select_from(ActionItem)) == 0


@pytest.mark.parametrize("field, other, message", [
    ("owner_person_id", "other_rep", "The owner must belong to this committee."),
    ("owner_organisation_id", "outsider_org", "The organisation must be a member of this committee."),
])
def test_owner_outside_the_committee_is_refused_with_the_input_kept(world, login_as, field, other, message):
    client = login_as(world.cochair)
    response = client.post_form("/committees/access-legal/actions/new", {
        "title": "Keep this title", "description": "And this text", field: str(getattr(world, other).id),
        "due_on": "2031-01-02", "priority": "high", "status": "open"})
    assert response.status_code == 400
    body = page(response)
    assert message in body and 'value="Keep this title"' in body and "And this text" in body
    assert 'value="2031-01-02"' in body and '<option selected value="high">' in body
    assert db.session.scalar(select(func.count()).select_from(ActionItem)) == 0


def test_no_owner_or_no_title_is_refused(world, login_as):
    client = login_as(world.cochair)
    response = client.post_form("/committees/access-legal/actions/new", {
        "title": "Nobody's job", "priority": "normal", "status": "open"})
    assert response.status_code == 400 and "Choose who owns this action" in page(response)
    response = client.post_form("/committees/access-legal/actions/new", {
        "title": "  ", "owner_person_id": str(world.representative.id), "priority": "normal", "status": "open"})
    assert response.status_code == 400 and "Give the action a title." in page(response)


@pytest.mark.parametrize("data", [
    {"owner_person_id": "x"}, {"priority": "urgent"}, {"status": "done"}, {"due_on": "31/12/2031"},
    {"title": "x" * 201},
])
def test_bad_input_is_400_never_500(world, login_as, data):
    client = login_as(world.cochair)
    values = {"title": "Something", "owner_person_id": str(world.representative.id), "priority": "normal",
              "status": "open", **data}
    response = client.post_form("/committees/access-legal/actions/new", values)
    assert response.status_code == 400
    assert db.session.scalar(select(func.count()).select_from(ActionItem)) == 0


# -- progress updates and history ------------------------------------------------------------------

def test_owner_posts_updates_with_status_changes_and_the_history_is_shown(world, login_as):
    item = item_for(world)
    client = login_as(world.representative)
    shown = page(client.get(f"/actions/{item.id}"))
    assert "Post a progress update" in shown
    assert '<option value="in_progress">Start</option>' in shown and 'value="open"' not in shown
    assert client.post_form(f"/actions/{item.id}/updates", {"note": "Started drafting", "new_status": "in_progress"}
                            ).status_code == 302
    assert client.post_form(f"/actions/{item.id}/updates", {"note": "Waiting for figures"}).status_code == 302
    assert client.post_form(f"/actions/{item.id}/updates", {"note": "Sent", "new_status": "done"}).status_code == 302
    item = fresh(item)
    assert item.status == ActionStatus.DONE and item.closed_at is not None
    assert [(u.author_id, u.old_status, u.new_status, u.note) for u in item.updates] == [
        (world.representative.id, ActionStatus.OPEN, ActionStatus.IN_PROGRESS, "Started drafting"),
        (world.representative.id, None, None, "Waiting for figures"),
        (world.representative.id, ActionStatus.IN_PROGRESS, ActionStatus.DONE, "Sent")]
    assert audits("action.progress") == 3
    shown = page(client.get(f"/actions/{item.id}"))
    history = shown[shown.index('id="history"'):]
    assert history.index("Started drafting") < history.index("Waiting for figures") < history.index("Sent")
    assert "Status: Open → In progress" in history and "Status: In progress → Done" in history
    assert history.count("Rita Rep") == 3
    assert '<option value="open">Reopen</option>' in shown and '<option value="cancelled">' not in shown


def test_a_status_not_allowed_from_the_current_state_is_refused(world, login_as):
    item = item_for(world)
    client = login_as(world.representative)
    client.post_form(f"/actions/{item.id}/updates", {"note": "Done", "new_status": "done"})
    response = client.post_form(f"/actions/{item.id}/updates", {"note": "Again", "new_status": "in_progress"})
    assert response.status_code == 400 and "Again" in page(response)
    assert fresh(item).status == ActionStatus.DONE and len(fresh(item).updates) == 1


def test_an_empty_update_is_refused_with_a_message(world, login_as):
    item = item_for(world)
    response = login_as(world.representative).post_form(f"/actions/{item.id}/updates", {"note": "  "})
    assert response.status_code == 400 and "Write a note or choose a new status." in page(response)


def test_cancelling_needs_a_reason(world, login_as):
    item = item_for(world)
    client = login_as(world.cochair)
    response = client.post_form(f"/actions/{item.id}/updates", {"note": "My note stays", "new_status": "cancelled"})
    assert response.status_code == 400
    body = page(response)
    assert "Please give a reason." in body and "My note stays" in body
    assert fresh(item).status == ActionStatus.OPEN and not fresh(item).updates
    response = client.post_form(f"/actions/{item.id}/updates", {"note": "", "new_status": "cancelled",
                                                                "reason": "The ministry replied already"})
    assert response.status_code == 302
    item = fresh(item)
    assert item.status == ActionStatus.CANCELLED and item.updates[0].note == "The ministry replied already"
    assert "The ministry replied already" in page(client.get(f"/actions/{item.id}"))


@pytest.mark.parametrize("role, allowed", [
    ("representative", True),   # the owner person
    ("alternate", True),        # a person of the owner organisation (the NGO)
    ("cochair_municipal", True),
    ("coordinator", True),
    ("secretary", False),
    ("observer", False),
    ("non_member", False),
])
def test_who_may_post_an_update(world, login_as, role, allowed):
    item = item_for(world, owner_person_id=world.representative.id, owner_organisation_id=world.ngo.id)
    client = login_as(getattr(world, role))
    response = client.post_form(f"/actions/{item.id}/updates", {"note": "Progress", "new_status": "in_progress"})
    assert response.status_code == (302 if allowed else 403)
    assert (fresh(item).status == ActionStatus.IN_PROGRESS) is allowed
    shown = client.get(f"/actions/{item.id}")
    if role == "non_member":
        assert shown.status_code == 403
    else:
        assert shown.status_code == 200 and ("Post a progress update" in page(shown)) is allowed


def test_staff_of_the_owner_organisation_without_a_role_see_and_update_the_item(world, login_as):
    colleague = f.make_person("colleague@example.org", org=world.municipal, name="Cleo Colleague")
    item = item_for(world, owner_organisation_id=world.municipal.id)
    client = login_as(colleague)
    assert client.get(f"/actions/{item.id}").status_code == 200
    assert client.post_form(f"/actions/{item.id}/updates", {"note": "On it"}).status_code == 302
    assert fresh(item).updates[0].author_id == colleague.id
    assert client.get("/committees/access-legal/actions/new").status_code == 403


def test_the_public_is_sent_to_sign_in(world, client):
    item = item_for(world)
    response = client.get(f"/actions/{item.id}")
    assert response.status_code == 302 and "/login" in response.headers["Location"]


def test_unknown_item_is_404(world, login_as):
    client = login_as(world.coordinator)
    assert client.get("/actions/999999").status_code == 404
    assert client.post_form("/actions/999999/updates", {"note": "x"}).status_code == 404


def test_overdue_badge_is_in_words(world, login_as):
    item = item_for(world, owner_person_id=world.representative.id, due_on=date.today() - timedelta(days=3))
    shown = page(login_as(world.representative).get(f"/actions/{item.id}"))
    assert "Overdue" in shown and (date.today() - timedelta(days=3)).isoformat() in shown
    svc.post_update(world.representative, fresh(item), "Finished", "done")
    db.session.commit()
    assert "Overdue" not in page(login_as(world.representative).get(f"/actions/{item.id}"))


# -- editing ---------------------------------------------------------------------------------------

def test_edit_saves_and_keeps_the_history(world, login_as):
    item = item_for(world)
    client = login_as(world.cochair)
    form = page(client.get(f"/actions/{item.id}/edit"))
    assert 'value="Write to the ministry"' in form and f'name="version" type="hidden" value="{item.version}"' in form
    response = client.post_form(f"/actions/{item.id}/edit", {
        "title": "Write to the ministry and the ombudsman", "owner_person_id": str(world.secretary.id),
        "owner_organisation_id": "", "due_on": "2031-02-03", "priority": "low", "version": str(item.version)})
    assert response.status_code == 302
    item = fresh(item)
    assert (item.title, item.owner_person_id, item.due_on, item.priority.value) == (
        "Write to the ministry and the ombudsman", world.secretary.id, date(2031, 2, 3), "low")
    assert audits("action.update") == 1


def test_edit_conflict_is_409_with_the_input_kept(world, login_as):
    item = item_for(world)
    stale = item.version
    svc.update_action(world.coordinator, item, {"title": "Changed by the coordinator"})
    db.session.commit()
    client = login_as(world.cochair)
    response = client.post_form(f"/actions/{item.id}/edit", {
        "title": "My own title", "description": "My careful text", "owner_person_id": str(world.representative.id),
        "priority": "normal", "version": str(stale)})
    assert response.status_code == 409
    body = page(response)
    assert "Someone else changed this action meanwhile" in body
    assert 'value="My own title"' in body and "My careful text" in body and "Changed by the coordinator" in body
    assert fresh(item).title == "Changed by the coordinator"
    current = fresh(item).version
    assert f'name="version" type="hidden" value="{current}"' in body
    again = client.post_form(f"/actions/{item.id}/edit", {
        "title": "My own title", "description": "My careful text", "owner_person_id": str(world.representative.id),
        "priority": "normal", "version": str(current)})
    assert again.status_code == 302 and fresh(item).title == "My own title"


def test_a_progress_update_meanwhile_also_conflicts_with_an_edit(world, login_as):
    item = item_for(world)
    stale = item.version
    svc.post_update(world.representative, item, "Started", "in_progress")
    db.session.commit()
    response = login_as(world.cochair).post_form(f"/actions/{item.id}/edit", {
        "title": "Renamed", "owner_person_id": str(world.representative.id), "priority": "normal",
        "version": str(stale)})
    assert response.status_code == 409 and fresh(item).title == "Write to the ministry"


@pytest.mark.parametrize("version", ["", "abc"])
def test_edit_with_a_bad_version_is_400(world, login_as, version):
    item = item_for(world)
    response = login_as(world.cochair).post_form(f"/actions/{item.id}/edit", {
        "title": "Renamed", "owner_person_id": str(world.representative.id), "priority": "normal",
        "version": version})
    assert response.status_code == 400 and fresh(item).title == "Write to the ministry"


def test_edit_owner_outside_the_committee_keeps_the_input(world, login_as):
    item = item_for(world)
    response = login_as(world.cochair).post_form(f"/actions/{item.id}/edit", {
        "title": "Renamed too", "owner_person_id": str(world.other_rep.id), "priority": "normal",
        "version": str(item.version)})
    assert response.status_code == 400
    assert "The owner must belong to this committee." in page(response) and 'value="Renamed too"' in page(response)


def test_owners_may_not_edit(world, login_as):
    item = item_for(world)
    client = login_as(world.representative)
    assert client.get(f"/actions/{item.id}/edit").status_code == 403
    assert "Edit the action item" not in page(client.get(f"/actions/{item.id}"))


# -- user text is inert ----------------------------------------------------------------------------

def test_title_description_and_note_are_inert(world, login_as):
    evil = '<script>alert(1)</script><img src=x onerror="alert(2)">'
    item = svc.create_action(world.cochair, world.committee, title=evil, description=evil + " [x](javascript:alert(3))",
                             owner_person_id=world.representative.id)
    svc.post_update(world.representative, item, evil)
    db.session.commit()
    client = login_as(world.cochair)
    for url in (f"/actions/{item.id}", f"/actions/{item.id}/edit"):
        body = page(client.get(url))
        assert "<script>alert(1)" not in body and 'onerror="alert(2)"' not in body and 'href="javascript' not in body
        assert "&lt;script&gt;alert(1)&lt;/script&gt;" in body
