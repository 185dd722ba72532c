"""Minutes on the web: every step and who may take it, comments until the deadline, decisions,
publication to the public."""
from __future__ import annotations

import re
from datetime import datetime, timedelta, timezone
from zoneinfo import ZoneInfo

import pytest
from sqlalchemy import func, select

from committees.db import db, utcnow
from committees.models import MeetingState, OutboxMessage
from committees.models.minutes import Decision, MinutesComment, MinutesState
from committees.services import minutes as svc
from tests.web.test_minutes import approved, audits, circulated, fresh, held, page_of, published, started

ATHENS = ZoneInfo("Europe/Athens")


def mails(kind: str) -> int:
    return db.session.scalar(select(func.count()).select_from(OutboxMessage).where(OutboxMessage.kind == kind))


def step(client, minutes, name: str, data: dict | None = None):
    return client.post_form(f"/meetings/{minutes.meeting_id}/minutes/transitions/{name}", data or {})


def local_input(days: int) -> tuple[str, datetime]:
    """A datetime-local value `days` ahead in Athens time, and the UTC instant it stands for."""
    wall = (datetime.now(ATHENS) + timedelta(days=days)).replace(second=0, microsecond=0, tzinfo=None)
    return wall.strftime("%Y-%m-%dT%H:%M"), wall.replace(tzinfo=ATHENS).astimezone(timezone.utc)


# -- circulation -------------------------------------------------------------------------------------------

@pytest.mark.parametrize("role", ["secretary", "cochair", "coordinator"])
def test_editors_circulate_with_a_deadline_in_their_time_zone_and_members_are_told(role, world, login_as):
    minutes = started(world)
    client = login_as(world.person(role))
    page = page_of(client, minutes)[1]
    assert "Circulate for comments" in page and 'name="circulate-comments_deadline"' in page
    value, instant = local_input(5)
    response = step(client, minutes, "circulate", {"circulate-comments_deadline": value})
    assert response.status_code == 302
    minutes = fresh(minutes)
    assert minutes.state == MinutesState.CIRCULATED and minutes.comments_deadline == instant
    assert mails("minutes_circulated") >= 5 and audits("minutes.circulate") == 1
    assert [r.number for r in minutes.revisions] == [1]


@pytest.mark.parametrize("value, message", [
    ("", "Give a date and time."),
    ("not a date", "Give a date and time."),
    ("2001-01-01T10:00", "Give a deadline for comments in the future."),
])
def test_circulation_with_a_bad_deadline_is_400_with_the_message_and_input_kept(value, message, world, login_as):
    minutes = started(world)
    response = step(login_as(world.secretary), minutes, "circulate", {"circulate-comments_deadline": value})
    assert response.status_code == 400
    page = response.get_data(as_text=True)
    assert message in page and f'value="{value}"' in page
    assert '<details class="w-100 border rounded p-2" open>' in page  # the failed step's form stays open
    assert fresh(minutes).state == MinutesState.DRAFT and mails("minutes_circulated") == 0


def test_members_may_not_circulate(world, login_as):
    minutes = started(world)
    value, _ = local_input(3)
    assert step(login_as(world.representative), minutes, "circulate",
                {"circulate-comments_deadline": value}).status_code == 403
    assert fresh(minutes).state == MinutesState.DRAFT


def test_reopen_back_to_draft(world, login_as):
    minutes = circulated(world)
    client = login_as(world.secretary)
    assert "Back to draft" in page_of(client, minutes)[1]
    assert step(client, minutes, "reopen").status_code == 302
    assert fresh(minutes).state == MinutesState.DRAFT


def test_a_step_that_does_not_fit_the_state_is_409_with_a_message(world, login_as):
    minutes = started(world)
    response = step(login_as(world.cochair), minutes, "publish")
    assert response.status_code == 409
    assert "That step is not possible in the current state." in response.get_data(as_text=True)
    assert fresh(minutes).state == MinutesState.DRAFT


# -- approval and publication ------------------------------------------------------------------------------

def test_buttons_come_from_the_table_filtered_by_the_policy(world, login_as):
    minutes = circulated(world)
    secretary, chair = page_of(login_as(world.secretary), minutes)[1], page_of(login_as(world.cochair), minutes)[1]
    assert "Back to draft" in secretary and "/transitions/approve" not in secretary
    assert "Back to draft" in chair and "/transitions/approve" in chair
    representative = page_of(login_as(world.representative), minutes)[1]
    assert "/transitions/" not in representative and "Next steps" not in representative


def test_cochairs_approve_and_the_record_says_when_and_how(world, login_as):
    minutes = circulated(world)
    client = login_as(world.cochair)
    assert step(login_as(world.secretary), minutes, "approve", {"approve-approved_how": "cochairs"}).status_code == 403
    response = step(client, minutes, "approve", {"approve-approved_how": "cochairs"})
    assert response.status_code == 302
    minutes = fresh(minutes)
    assert minutes.state == MinutesState.APPROVED and minutes.approved_how.value == "cochairs"
    assert minutes.approved_at is not None and minutes.meeting.state == MeetingState.MINUTED
    page = page_of(client, minutes)[1]
    assert "By the co-chairs" in page and "Correct the minutes" in page and "Edit the minutes" not in page
    assert mails("minutes_approved") > 0


def test_approval_by_a_later_meeting_names_it(world, login_as):
    minutes = circulated(world, when=datetime(2024, 3, 5, 10, 0))
    later = held(world, title="April meeting", when=datetime(2024, 4, 2, 10, 0), present=False)
    earlier = held(world, title="February meeting", when=datetime(2024, 2, 6, 10, 0), present=False)
    client = login_as(world.cochair)
    page = page_of(client, minutes)[1]
    assert f'<option value="{later.id}">April meeting' in page and "February meeting" not in page
    response = step(client, minutes, "approve", {"approve-approved_how": "meeting"})
    assert response.status_code == 400
    page = response.get_data(as_text=True)
    assert "Choose the later meeting of this committee that approved them." in page
    assert re.search(r'<input checked [^>]*value="meeting"', page)  # the choice is kept
    other = held(world, committee=world.other_committee, title="Elsewhere", when=datetime(2024, 4, 3, 10),
                 present=False)
    for wrong in (other.id, earlier.id, minutes.meeting_id, 999999):  # only the later meetings offered are taken
        response = step(client, minutes, "approve", {"approve-approved_how": "meeting",
                                                     "approve-approved_at_meeting_id": str(wrong)})
        assert response.status_code == 400 and "Not a valid choice" in response.get_data(as_text=True)
        assert fresh(minutes).state == MinutesState.CIRCULATED
    response = step(client, minutes, "approve", {"approve-approved_how": "meeting",
                                                 "approve-approved_at_meeting_id": str(later.id)})
    assert response.status_code == 302
    minutes = fresh(minutes)
    assert minutes.state == MinutesState.APPROVED and minutes.approved_at_meeting_id == later.id
    page = page_of(client, minutes)[1]
    assert "By a later meeting: April meeting" in page


def test_approval_without_saying_how_is_400(world, login_as):
    minutes = circulated(world)
    response = step(login_as(world.cochair), minutes, "approve", {"approve-approved_how": "by magic"})
    assert response.status_code == 400 and "Not a valid choice" in response.get_data(as_text=True)
    assert fresh(minutes).state == MinutesState.CIRCULATED


def test_publication_makes_the_minutes_readable_by_the_public(world, client, login_as):
    minutes = approved(world)
    response = client.get(f"/meetings/{minutes.meeting_id}/minutes")
    assert response.status_code == 302 and "/login" in response.headers["Location"]
    assert page_of(login_as(world.non_member), minutes)[0] == 403
    assert step(login_as(world.cochair), minutes, "publish").status_code == 302
    status, page = page_of(client, minutes)
    assert status == 200 and "Published" in page and "Legal aid report" in page
    assert page_of(login_as(world.non_member), minutes)[0] == 200
    meeting_page = client.get(f"/meetings/{minutes.meeting_id}").get_data(as_text=True)
    assert "Read the minutes" in meeting_page


def test_published_minutes_of_a_private_committee_stay_private(world, client, login_as):
    minutes = published(world, committee=world.other_committee, present=False)
    assert client.get(f"/meetings/{minutes.meeting_id}/minutes").status_code == 302
    assert page_of(login_as(world.non_member), minutes)[0] == 404
    assert page_of(login_as(world.other_rep), minutes)[0] == 200


# -- comments ----------------------------------------------------------------------------------------------

def comment(client, minutes, body: str, section=None):
    return client.post_form(f"/meetings/{minutes.meeting_id}/minutes/comments",
                            {"comment-body": body, "comment-section_id": str(section.id) if section else ""})


def test_members_comment_until_the_deadline(world, login_as):
    minutes = circulated(world)
    rep = login_as(world.representative)
    page = page_of(rep, minutes)[1]
    assert "Comments are welcome until" in page and 'name="comment-body"' in page
    response = comment(rep, minutes, "Please add our figures\non legal aid", minutes.sections[1])
    assert response.status_code == 302
    row = db.session.scalars(select(MinutesComment)).one()
    assert row.section_id == minutes.sections[1].id and row.person_id == world.representative.id
    page = page_of(login_as(world.secretary), minutes)[1]
    assert "Please add our figures\non legal aid" in page and "about: Legal aid report" in page
    assert audits("minutes.comment") == 1


def test_an_empty_comment_is_400_and_an_unknown_section_too(world, login_as):
    minutes = circulated(world)
    rep = login_as(world.representative)
    response = comment(rep, minutes, "   ")
    assert response.status_code == 400 and "Write a comment." in response.get_data(as_text=True)
    response = rep.post_form(f"/meetings/{minutes.meeting_id}/minutes/comments",
                             {"comment-body": "Kept text", "comment-section_id": "999999"})
    assert response.status_code == 400
    page = response.get_data(as_text=True)
    assert "Unknown section." in page and "Kept text</textarea>" in page
    assert db.session.scalar(select(func.count()).select_from(MinutesComment)) == 0


def test_after_the_deadline_comments_are_refused_with_a_clear_message(world, login_as):
    minutes = circulated(world)
    minutes.comments_deadline = utcnow() - timedelta(hours=1)
    db.session.commit()
    rep = login_as(world.representative)
    page = page_of(rep, minutes)[1]
    assert "The deadline for comments passed on" in page and 'name="comment-body"' not in page
    response = comment(rep, minutes, "Too late, but here are my words")
    assert response.status_code == 409
    page = response.get_data(as_text=True)
    assert "The deadline for comments has passed." in page
    assert "Too late, but here are my words</textarea>" in page  # not sent, but not lost either
    assert db.session.scalar(select(func.count()).select_from(MinutesComment)) == 0


def test_comments_are_refused_to_non_members_and_outside_circulation(world, login_as):
    minutes = circulated(world)
    assert comment(login_as(world.non_member), minutes, "Hello").status_code == 403
    assert comment(login_as(world.coordinator), minutes, "Hello").status_code == 403  # no role in the committee
    draft = started(world, title="Other meeting")
    assert comment(login_as(world.representative), draft, "Hello").status_code == 403


# -- decisions ----------------------------------------------------------------------------------------------

def test_decisions_are_recorded_per_section_and_removed_while_editable(world, login_as):
    minutes = started(world)
    client = login_as(world.secretary)
    section = minutes.sections[1]
    response = client.post_form(f"/meetings/{minutes.meeting_id}/minutes/decisions",
                                {"section_id": str(section.id), f"decision-{section.id}-text": "Fund interpreters"})
    assert response.status_code == 302 and response.headers["Location"].endswith(f"#section-{section.id}")
    response = client.post_form(f"/meetings/{minutes.meeting_id}/minutes/decisions",
                                {"section_id": "0", "decision-0-text": "Meet monthly"})
    assert response.status_code == 302
    decisions = list(db.session.scalars(select(Decision).order_by(Decision.id)))
    assert [(d.text, d.section_id) for d in decisions] == [("Fund interpreters", section.id), ("Meet monthly", None)]
    page = page_of(client, minutes)[1]
    assert f"Decision {decisions[0].number}:" in page and "Decisions on the meeting as a whole" in page
    response = client.post_form(f"/meetings/{minutes.meeting_id}/minutes/decisions/{decisions[1].id}/remove")
    assert response.status_code == 302
    assert db.session.scalar(select(func.count()).select_from(Decision)) == 1
    assert audits("decision.add") == 2 and audits("decision.remove") == 1


def test_an_empty_decision_is_400_and_an_unknown_section_too(world, login_as):
    minutes = started(world)
    client = login_as(world.secretary)
    section = minutes.sections[0]
    response = client.post_form(f"/meetings/{minutes.meeting_id}/minutes/decisions",
                                {"section_id": str(section.id), f"decision-{section.id}-text": "  "})
    assert response.status_code == 400
    page = response.get_data(as_text=True)
    assert "Write the decision." in page and '<details class="border rounded p-2 no-print" open>' in page
    response = client.post_form(f"/meetings/{minutes.meeting_id}/minutes/decisions",
                                {"section_id": "999999", "decision-999999-text": "x"})
    assert response.status_code == 400
    assert db.session.scalar(select(func.count()).select_from(Decision)) == 0


def test_decisions_of_approved_minutes_no_longer_change(world, login_as):
    minutes = started(world)
    decision = svc.add_decision(world.secretary, minutes, "Fund interpreters", section=minutes.sections[0])
    db.session.commit()
    approved(world, minutes)
    client = login_as(world.secretary)
    page = page_of(client, minutes)[1]
    assert "Fund interpreters" in page and "Record a decision" not in page and "Remove decision" not in page
    response = client.post_form(f"/meetings/{minutes.meeting_id}/minutes/decisions/{decision.id}/remove")
    assert response.status_code == 409
    assert "Decisions of approved minutes can no longer change." in response.get_data(as_text=True)
    assert db.session.get(Decision, decision.id) is not None


def test_a_decision_of_other_minutes_is_404(world, login_as):
    one, two = started(world), started(world, title="Other meeting")
    decision = svc.add_decision(world.secretary, two, "Elsewhere")
    db.session.commit()
    response = login_as(world.secretary).post_form(
        f"/meetings/{one.meeting_id}/minutes/decisions/{decision.id}/remove")
    assert response.status_code == 404 and db.session.get(Decision, decision.id) is not None



def test_the_circulation_mail_links_to_the_minutes(world, login_as):
    minutes = started(world)
    client = login_as(world.cochair)
    step(client, minutes, "circulate", {"circulate-comments_deadline": local_input(5)[0]})
    message = db.session.scalars(select(OutboxMessage).where(OutboxMessage.kind == "minutes_circulated")).first()
    link = f"/meetings/{minutes.meeting_id}/minutes"
    assert link in message.body_text and 'href="http' in message.body_html and link in message.body_html
