"""Agenda on the meeting page: items, planned times, editing with versions, moving, suggestions, publishing,
copying, pack."""
from __future__ import annotations

import pytest
from sqlalchemy import func, select

from committees.db import db
from committees.models import AuditEntry
from committees.models.meetings import AgendaItem, AgendaItemStatus
from committees.services import agendas
from tests.queries import count_queries
from tests.web.test_meetings import make_meeting, reload

EDITORS = ("secretary", "cochair", "coordinator", "admin")


def item_of(meeting, title="Housing update", minutes=20, **kw):
    item = agendas.add_item(_chair(meeting), meeting, title=title, minutes_allotted=minutes,
                            **kw)
    db.session.commit()
    return item


def _chair(meeting):
    from committees.models import CommitteeRole, CommitteeRoleKind, Person

    return db.session.scalars(select(Person).join(CommitteeRole, CommitteeRole.person_id == Person.id).where(
        CommitteeRole.committee_id == meeting.committee_id, CommitteeRole.role == CommitteeRoleKind.COCHAIR)).first()


def audits(action: str) -> int:
    return db.session.scalar(select(func.count()).select_from(AuditEntry).where(AuditEntry.action == action))


def test_meeting_page_shows_items_with_times_presenter_and_sanitised_description(world, client):
    meeting = make_meeting(world, "scheduled")
    first = item_of(meeting, "Opening", 15, presenter_id=world.representative.id,
                    presenter_organisation_id=world.ngo.id, description="**Bold** <script>alert(1)</script>")
    item_of(meeting, "Legal aid", 30)
    page = client.get(f"/meetings/{meeting.id}").get_data(as_text=True)
    assert "Opening" in page and "Legal aid" in page
    assert page.index("Opening") < page.index("Legal aid")
    start = meeting.starts_at
    assert f'datetime="{start.isoformat()}"' in page
    from datetime import timedelta

    assert f'datetime="{(start + timedelta(minutes=15)).isoformat()}"' in page
    assert "Rita Rep" in page and "Solidarity Now Athens" in page
    assert "<strong>Bold</strong>" in page and "<script>alert(1)" not in page
    assert "15 minutes" in page
    # the public sees no editing controls
    assert "Add an item" not in page and f"/agenda/items/{first.id}/edit" not in page


@pytest.mark.parametrize("role", EDITORS)
def test_editors_add_items(role, world, login_as):
    meeting = make_meeting(world, "scheduled")
    client = login_as(world.person(role))
    assert "Add an item" in client.get(f"/meetings/{meeting.id}").get_data(as_text=True)
    response = client.post_form(f"/meetings/{meeting.id}/agenda/items",
                                {"add-title": "Shelter capacity", "add-minutes_allotted": "25"})
    assert response.status_code == 302
    item = db.session.scalars(select(AgendaItem).where(AgendaItem.meeting_id == meeting.id)).one()
    assert (item.title, item.minutes_allotted, item.status) == ("Shelter capacity", 25, AgendaItemStatus.ACCEPTED)
    assert audits("agenda.add") == 1


@pytest.mark.parametrize("role", ("representative", "observer", "non_member"))
def test_others_may_not_add_items(role, world, login_as):
    meeting = make_meeting(world, "scheduled")
    client = login_as(world.person(role))
    response = client.post_form(f"/meetings/{meeting.id}/agenda/items", {"add-title": "X", "add-minutes_allotted": "5"})
    assert response.status_code == 403
    assert db.session.scalar(select(func.count()).select_from(AgendaItem)) == 0


def test_add_item_invalid_keeps_input(world, login_as):
    meeting = make_meeting(world, "scheduled")
    client = login_as(world.cochair)
    response = client.post_form(f"/meetings/{meeting.id}/agenda/items",
                                {"add-title": "Kept title", "add-minutes_allotted": "9999",
                                 "add-description": "my careful notes"})
    assert response.status_code == 400
    page = response.get_data(as_text=True)
    assert 'value="Kept title"' in page and "my careful notes" in page
    assert db.session.scalar(select(func.count()).select_from(AgendaItem)) == 0


def test_add_item_without_csrf_is_refused(world, login_as):
    meeting = make_meeting(world, "scheduled")
    client = login_as(world.cochair)
    response = client.post(f"/meetings/{meeting.id}/agenda/items", data={"add-title": "X", "add-minutes_allotted": "5"})
    assert response.status_code == 400
    assert db.session.scalar(select(func.count()).select_from(AgendaItem)) == 0


def test_items_of_another_meeting_are_404(world, login_as):
    mine = make_meeting(world, "scheduled")
    other = make_meeting(world, "scheduled", committee=world.other_committee, title="Health")
    foreign = agendas.add_item(world.coordinator, other, title="Their item", minutes_allotted=10)
    db.session.commit()
    client = login_as(world.cochair)
    assert client.get(f"/meetings/{mine.id}/agenda/items/{foreign.id}/edit").status_code == 404
    for path in ("move", "remove", "decide"):
        response = client.post_form(f"/meetings/{mine.id}/agenda/items/{foreign.id}/{path}",
                                    {"direction": "up", "decision": "accept"})
        assert response.status_code == 404, path
    assert client.post_form(f"/meetings/{other.id}/agenda/items",
                            {"add-title": "X", "add-minutes_allotted": "5"}).status_code == 404
    assert reload(other).items[0].title == "Their item"


def test_edit_item_and_stale_version_conflict_keeps_input(world, login_as):
    meeting = make_meeting(world, "scheduled")
    item = item_of(meeting, "Original", 10)
    client = login_as(world.secretary)
    page = client.get(f"/meetings/{meeting.id}/agenda/items/{item.id}/edit").get_data(as_text=True)
    assert f'name="version" type="hidden" value="{item.version}"' in page or f'value="{item.version}"' in page
    stale = item.version
    agendas.update_item(world.cochair, item, {"title": "Their title"})
    db.session.commit()
    response = client.post_form(f"/meetings/{meeting.id}/agenda/items/{item.id}/edit",
                                {"title": "My title", "minutes_allotted": "12", "description": "my words <b>x",
                                 "version": str(stale)})
    assert response.status_code == 409
    page = response.get_data(as_text=True)
    assert "Someone else changed this item" in page
    assert 'value="My title"' in page and "my words &lt;b&gt;x" in page
    assert "Their title" in page  # the saved version is shown too
    assert reload(meeting).items[0].title == "Their title"
    fresh = db.session.get(AgendaItem, item.id).version
    response = client.post_form(f"/meetings/{meeting.id}/agenda/items/{item.id}/edit",
                                {"title": "My title", "minutes_allotted": "12", "version": str(fresh)})
    assert response.status_code == 302
    db.session.expire_all()
    assert db.session.get(AgendaItem, item.id).title == "My title"
    assert audits("agenda.update") == 2


def test_edit_page_forbidden_to_representatives(world, login_as):
    meeting = make_meeting(world, "scheduled")
    item = item_of(meeting)
    client = login_as(world.representative)
    assert client.get(f"/meetings/{meeting.id}/agenda/items/{item.id}/edit").status_code == 403


def test_move_and_remove(world, login_as):
    meeting = make_meeting(world, "scheduled")
    first, second = item_of(meeting, "First"), item_of(meeting, "Second")
    client = login_as(world.cochair)
    assert client.post_form(f"/meetings/{meeting.id}/agenda/items/{second.id}/move",
                            {"direction": "up"}).status_code == 302
    assert [i.title for i in reload(meeting).items] == ["Second", "First"]
    assert client.post_form(f"/meetings/{meeting.id}/agenda/items/{second.id}/move",
                            {"direction": "sideways"}).status_code == 400
    assert client.post_form(f"/meetings/{meeting.id}/agenda/items/{first.id}/remove").status_code == 302
    assert [i.title for i in reload(meeting).items] == ["Second"]
    assert audits("agenda.move") == 1 and audits("agenda.remove") == 1


def test_suggest_then_decline_needs_reason_then_accept(world, login_as):
    meeting = make_meeting(world, "scheduled")
    rep = login_as(world.representative)
    page = rep.get(f"/meetings/{meeting.id}").get_data(as_text=True)
    assert "Suggest an item" in page and "Add an item" not in page
    assert rep.post_form(f"/meetings/{meeting.id}/agenda/suggest",
                         {"suggest-title": "Interpreters", "suggest-minutes_allotted": "10"}).status_code == 302
    item = db.session.scalars(select(AgendaItem)).one()
    assert item.status == AgendaItemStatus.SUGGESTED and item.suggested_by_id == world.representative.id
    assert "Interpreters" in rep.get(f"/meetings/{meeting.id}").get_data(as_text=True)  # in "Your suggestions"

    chair = login_as(world.cochair)
    page = chair.get(f"/meetings/{meeting.id}").get_data(as_text=True)
    assert "Suggested items waiting for a decision" in page and "Interpreters" in page
    response = chair.post_form(f"/meetings/{meeting.id}/agenda/items/{item.id}/decide",
                               {"decision": "decline", "decide-reason": ""})
    assert response.status_code == 400
    assert "Please give a reason." in response.get_data(as_text=True)
    assert rep.post_form(f"/meetings/{meeting.id}/agenda/items/{item.id}/decide",
                         {"decision": "accept"}).status_code == 403
    assert chair.post_form(f"/meetings/{meeting.id}/agenda/items/{item.id}/decide",
                           {"decision": "accept"}).status_code == 302
    db.session.expire_all()
    assert db.session.get(AgendaItem, item.id).status == AgendaItemStatus.ACCEPTED
    assert audits("agenda.suggest") == 1 and audits("agenda.accepted") == 1


def test_decline_with_reason(world, login_as):
    meeting = make_meeting(world, "scheduled")
    item = agendas.suggest_item(world.representative, meeting, title="Off topic", minutes_allotted=5)
    db.session.commit()
    chair = login_as(world.cochair)
    assert chair.post_form(f"/meetings/{meeting.id}/agenda/items/{item.id}/decide",
                           {"decision": "decline", "decide-reason": "Next month"}).status_code == 302
    db.session.expire_all()
    declined = db.session.get(AgendaItem, item.id)
    assert declined.status == AgendaItemStatus.DECLINED and declined.decline_reason == "Next month"


@pytest.mark.parametrize("role", ("observer", "non_member", "coordinator"))
def test_suggest_refused_to_non_participants(role, world, login_as):
    meeting = make_meeting(world, "scheduled")
    client = login_as(world.person(role))
    response = client.post_form(f"/meetings/{meeting.id}/agenda/suggest",
                                {"suggest-title": "X", "suggest-minutes_allotted": "5"})
    assert response.status_code == 403


def test_publish_marks_later_changes_and_republish(world, login_as):
    meeting = make_meeting(world, "scheduled")
    item = item_of(meeting, "Opening")
    client = login_as(world.cochair)
    assert "Publish the agenda" in client.get(f"/meetings/{meeting.id}").get_data(as_text=True)
    assert client.post_form(f"/meetings/{meeting.id}/agenda/publish").status_code == 302
    assert reload(meeting).agenda_published_at is not None
    agendas.update_item(world.cochair, db.session.get(AgendaItem, item.id), {"title": "Opening words"})
    db.session.commit()
    page = client.get(f"/meetings/{meeting.id}").get_data(as_text=True)
    assert "item-changed" in page and "Re-publish the agenda" in page
    assert client.post_form(f"/meetings/{meeting.id}/agenda/publish").status_code == 302
    assert audits("agenda.publish") == 2


def test_publish_empty_agenda_is_refused_with_message(world, login_as):
    meeting = make_meeting(world, "scheduled")
    response = login_as(world.cochair).post_form(f"/meetings/{meeting.id}/agenda/publish")
    assert response.status_code == 400
    assert "Add at least one item" in response.get_data(as_text=True)


def test_publish_refused_to_representatives_and_without_csrf(world, login_as):
    meeting = make_meeting(world, "scheduled")
    item_of(meeting)
    assert login_as(world.representative).post_form(f"/meetings/{meeting.id}/agenda/publish").status_code == 403
    assert login_as(world.cochair).post(f"/meetings/{meeting.id}/agenda/publish").status_code == 400
    assert reload(meeting).agenda_published_at is None


def test_copy_agenda_of_previous_meeting(world, login_as):
    past = make_meeting(world, "scheduled", title="March meeting", start_days=-30)
    item_of(past, "Standing item", 15)
    target = make_meeting(world, "draft", title="April meeting")
    client = login_as(world.cochair)
    page = client.get(f"/meetings/{target.id}").get_data(as_text=True)
    assert "Copy the agenda of a previous meeting" in page and "March meeting" in page
    assert client.post_form(f"/meetings/{target.id}/agenda/copy", {"copy-source_id": str(past.id)}).status_code == 302
    assert [i.title for i in reload(target).items] == ["Standing item"]
    assert audits("agenda.copy") == 1


def test_copy_from_another_committee_is_404(world, login_as):
    other = make_meeting(world, "scheduled", committee=world.other_committee, title="Health")
    agendas.add_item(world.coordinator, other, title="Secret", minutes_allotted=10)
    target = make_meeting(world, "draft")
    db.session.commit()
    response = login_as(world.cochair).post_form(f"/meetings/{target.id}/agenda/copy",
                                                 {"copy-source_id": str(other.id)})
    assert response.status_code == 404
    assert reload(target).items == []


def test_closed_meeting_agenda_cannot_change(world, login_as):
    meeting = make_meeting(world, "held")
    client = login_as(world.cochair)
    assert "Add an item" not in client.get(f"/meetings/{meeting.id}").get_data(as_text=True)
    response = client.post_form(f"/meetings/{meeting.id}/agenda/items",
                                {"add-title": "Late", "add-minutes_allotted": "5"})
    assert response.status_code == 409
    assert "can no longer be changed" in response.get_data(as_text=True)


@pytest.mark.parametrize("role,status", [("public", 200), ("non_member", 200), ("representative", 200),
                                         ("cochair", 200)])
def test_pack_of_scheduled_public_meeting(role, status, world, client, login_as):
    meeting = make_meeting(world, "scheduled")
    item_of(meeting, "Opening", 15)
    c = client if role == "public" else login_as(world.person(role))
    response = c.get(f"/meetings/{meeting.id}/pack")
    assert response.status_code == status
    page = response.get_data(as_text=True)
    assert "Access and Legal Rights" in page and "Opening" in page and "css/print.css" in page
    assert 'media="print"' in page and "<form" not in page.split("<main", 1)[1].split("</main>", 1)[0]


def test_pack_of_private_meeting_is_404_for_outsiders(world, login_as, client):
    meeting = make_meeting(world, "scheduled", committee=world.other_committee, title="Health")
    assert login_as(world.non_member).get(f"/meetings/{meeting.id}/pack").status_code == 404
    assert client.get(f"/meetings/{meeting.id}/pack").status_code == 302
    assert login_as(world.coordinator).get(f"/meetings/{meeting.id}/pack").status_code == 200


def test_meeting_page_queries_do_not_grow_with_items(world, login_as, app):

    meeting = make_meeting(world, "scheduled")
    client = login_as(world.cochair)

    def count() -> int:
        with count_queries() as statements:
            assert client.get(f"/meetings/{meeting.id}").status_code == 200
        return len(statements)

    item_of(meeting, "One", presenter_id=world.representative.id, presenter_organisation_id=world.ngo.id)
    few = count()
    for n in range(5):
        item_of(meeting, f"Item {n}", presenter_id=world.secretary.id, presenter_organisation_id=world.municipal.id)
    assert count() <= few


# Issue 9: the most statements the meeting page sends, whatever the agenda's length. Readers: the meeting with its
# committee, poll slots and minutes; the session (with the person's roles); the invitations with their people and
# organisations; the member organisations (who is coming); the agenda items with presenters and suggesters; the
# documents; the suggestion form's people and organisations (one UNION); the proposals the reader may see.
# Editors: the copy form's earlier meetings too.
MEETING_PAGE_STATEMENTS = {"representative": 8, "observer": 8, "cochair": 9, "coordinator": 9}


@pytest.mark.parametrize("role", sorted(MEETING_PAGE_STATEMENTS))
def test_meeting_page_statements_stay_few_and_do_not_grow(role, world, login_as, app):
    from committees.services import documents
    from tests.queries import count_queries
    from tests.web.test_documents import PDF

    meeting = make_meeting(world, "scheduled")
    client = login_as(world.person(role))

    def count() -> int:
        client.get(f"/meetings/{meeting.id}")  # the first request after signing in may store the session's activity
        with app.app_context(), count_queries() as statements:
            assert client.get(f"/meetings/{meeting.id}").status_code == 200
        return len(statements)

    def grow(n: int) -> None:
        for i in range(n):
            item = item_of(meeting, f"Item {meeting.id}-{i}", presenter_id=world.representative.id,
                           presenter_organisation_id=world.ngo.id)
            agendas.suggest_item(world.representative, meeting, title=f"Suggestion {i}", minutes_allotted=5)
            documents.upload_document(world.cochair, meeting, f"notes-{i}.pdf", PDF, max_bytes=10**6, item=item)
        db.session.commit()

    grow(1)
    few = count()
    grow(5)
    assert count() == few
    assert few <= MEETING_PAGE_STATEMENTS[role], few
