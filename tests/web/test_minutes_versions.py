"""Minutes on the web: corrections of approved minutes, versions and their side-by-side diff, the archival
document and compiled minutes over a period."""
from __future__ import annotations

import re
from datetime import date, datetime

import pytest
from committees.db import db
from committees.models.minutes import MinutesRevision, MinutesState
from committees.services import actions as action_svc
from committees.services import minutes as svc
from tests.queries import count_queries
from tests.web.test_minutes import (approved, audits, circulated, fresh, hidden_version, page_of, published,
                                    started)


def written(world, text: str = "Line one\nLine <two>\nLine three", **kw):
    minutes = started(world, **kw)
    svc.save_minutes(world.secretary, minutes, {minutes.sections[1].id: text}, minutes.version)
    db.session.commit()
    return minutes


def correct(client, minutes, text: str, reason: str, version=None):
    data = {f"section_{s.id}": s.discussion for s in minutes.sections}
    data[f"section_{minutes.sections[1].id}"] = text
    data.update(reason=reason, version=str(version if version is not None else minutes.version))
    return client.post_form(f"/meetings/{minutes.meeting_id}/minutes/correct", data)


# -- corrections ----------------------------------------------------------------------------------------------

def test_a_correction_is_a_new_version_with_its_reason(world, login_as):
    minutes = approved(world, written(world))
    client = login_as(world.secretary)
    status, page = page_of(client, minutes, "/correct")
    assert status == 200 and "Reason for the correction" in page and "Line &lt;two&gt;" in page
    response = correct(client, minutes, "Line one\nLine 2\nLine three", "Typo in line two",
                       hidden_version(page))
    assert response.status_code == 302
    minutes = fresh(minutes)
    assert minutes.state == MinutesState.APPROVED and minutes.sections[1].discussion == "Line one\nLine 2\nLine three"
    assert [(r.number, r.reason) for r in minutes.revisions] == [(1, "circulate"), (2, "approve"),
                                                                 (3, "Typo in line two")]
    assert json_text(minutes.revisions[1]) == "Line one\nLine <two>\nLine three"  # the approved text is kept
    assert audits("minutes.correct") == 1
    page = page_of(client, minutes, "/versions")[1]
    assert "Typo in line two" in page and "Circulated for comments" in page and "Approved" in page


def json_text(revision: MinutesRevision) -> str:
    import json

    return json.loads(revision.snapshot)[1]["text"]


def test_a_correction_without_a_reason_is_400_and_keeps_the_text(world, login_as):
    minutes = approved(world, written(world))
    response = correct(login_as(world.secretary), minutes, "My corrected words", "  ")
    assert response.status_code == 400
    page = response.get_data(as_text=True)
    assert "Please give a reason." in page and "My corrected words</textarea>" in page
    assert fresh(minutes).current_revision == 2


def test_a_correction_that_changes_nothing_is_400(world, login_as):
    minutes = approved(world, written(world))
    response = correct(login_as(world.secretary), minutes, minutes.sections[1].discussion, "No reason really")
    assert response.status_code == 400 and "Nothing was changed." in response.get_data(as_text=True)


def test_two_people_correcting_at_once_the_second_sees_both_texts(world, login_as):
    minutes = approved(world, written(world))
    loaded = minutes.version
    first, second = login_as(world.secretary), login_as(world.cochair)
    assert correct(first, minutes, "First correction", "Typo", loaded).status_code == 302
    response = correct(second, fresh(minutes), "Second correction", "Other typo", loaded)
    assert response.status_code == 409
    page = response.get_data(as_text=True)
    assert "First correction" in page and "Second correction</textarea>" in page and "Other typo</textarea>" in page
    assert fresh(minutes).sections[1].discussion == "First correction"
    response = correct(second, fresh(minutes), "Second correction", "Other typo", hidden_version(page))
    assert response.status_code == 302 and fresh(minutes).current_revision == 4


def test_drafts_are_edited_not_corrected(world, login_as):
    minutes = written(world)
    client = login_as(world.secretary)
    response = client.get(f"/meetings/{minutes.meeting_id}/minutes/correct")
    assert response.status_code == 302 and response.headers["Location"].endswith("/minutes/edit")
    response = correct(client, minutes, "x", "Because")
    assert response.status_code == 409
    assert "Only approved minutes are corrected; edit the draft instead." in response.get_data(as_text=True)


def test_members_cannot_correct(world, login_as):
    minutes = approved(world, written(world))
    client = login_as(world.representative)
    assert page_of(client, minutes, "/correct")[0] == 403
    assert correct(client, minutes, "x", "Because").status_code == 403


# -- versions and the diff -------------------------------------------------------------------------------------

def test_two_versions_compared_side_by_side_with_text_escaped(world, login_as):
    minutes = approved(world, written(world))
    svc.correct_approved(world.secretary, minutes, {minutes.sections[1].id: "Line one\nLine <b>2</b>\nLine three"},
                         reason="Typo")
    db.session.commit()
    client = login_as(world.representative)
    status, page = page_of(client, minutes, "/versions/compare?a=2&b=3")
    assert status == 200
    assert "Version 2 compared with version 3" in page and "<caption>Legal aid report</caption>" in page
    assert '<tr class="diff-replace">' in page
    assert "Line &lt;two&gt;" in page and "Line &lt;b&gt;2&lt;/b&gt;" in page and "<b>2</b>" not in page
    assert "Unchanged: Welcome, Any other business" in page
    assert page_of(client, minutes, "/versions/compare?a=3&b=3")[1].count("The two versions are the same.") == 1


@pytest.mark.parametrize("query", ["a=1&b=9", "a=x&b=2", "a=&b=", "b=2"])
def test_unknown_versions_are_400_with_a_message_and_the_choice_kept(query, world, login_as):
    minutes = approved(world)
    status, page = page_of(login_as(world.cochair), minutes, f"/versions/compare?{query}")
    assert status == 400 and "Unknown version" in page
    assert "Every version of these minutes" in page  # the list is still there to choose from
    if query.startswith("a=1"):
        assert '<option value="1" selected>' in page


def test_versions_of_draft_minutes_are_for_their_editors(world, login_as):
    minutes = circulated(world)
    svc.transition_minutes(world.secretary, minutes, "reopen")
    db.session.commit()
    assert page_of(login_as(world.representative), minutes, "/versions")[0] == 403
    assert page_of(login_as(world.secretary), minutes, "/versions")[0] == 200


# -- the archival document -------------------------------------------------------------------------------------

def test_archival_document_holds_agenda_attendance_minutes_decisions_actions_and_approval(world, client, login_as):
    minutes = written(world, "We discussed **legal aid**.")
    decision = svc.add_decision(world.secretary, minutes, "Fund two interpreters", section=minutes.sections[1])
    action_svc.create_action(world.cochair, world.committee, decision=decision, title="Find the budget",
                             owner_organisation_id=world.ngo.id, due_on=date(2031, 3, 1))
    db.session.commit()
    published(world, minutes)
    svc.correct_approved(world.secretary, minutes, {minutes.sections[0].id: "Welcome words"}, reason="Forgotten")
    db.session.commit()
    status, page = page_of(client, minutes, "/document")
    assert status == 200
    assert re.search(r'href="/static/css/print\.css(\?v=[0-9a-f]+)?" media="print"', page)
    for text in ("Access and Legal Rights", "Minutes: June meeting", "<h2 class=\"h5\">Agenda</h2>",
                 "Quorum reached: 2 of 2", "Solidarity Now Athens", "<strong>legal aid</strong>", "Welcome words",
                 f"Decision {decision.number}:", "Fund two interpreters", "Find the budget", "Mar 1, 2031",
                 "Approval record", "By the co-chairs", "Published", "Forgotten"):
        assert text in page, text
    order = [page.index(t) for t in ("Agenda", "Attendance and quorum", "1. Welcome", "Decisions and action items",
                                     "Approval record")]
    assert order == sorted(order)
    assert "Draft: these minutes have not been approved yet." not in page


def test_a_draft_document_says_it_is_a_draft(world, login_as):
    minutes = written(world)
    page = page_of(login_as(world.secretary), minutes, "/document")[1]
    assert "Draft: these minutes have not been approved yet." in page


# -- compiled minutes ----------------------------------------------------------------------------------------------

def _year_of_minutes(world):
    """2024: March published, June approved, September draft; 2025: January published."""
    march = published(world, written(world, "March text", title="March meeting", when=datetime(2024, 3, 5, 10)))
    june = approved(world, written(world, "June text", title="June meeting", when=datetime(2024, 6, 4, 10)))
    september = written(world, "September text", title="September meeting", when=datetime(2024, 9, 3, 10))
    january = published(world, written(world, "January text", title="January meeting",
                                       when=datetime(2025, 1, 14, 10)))
    return march, june, september, january


COMPILED = "/committees/access-legal/minutes/compiled"


def test_compiled_minutes_of_a_year_for_members(world, login_as):
    _year_of_minutes(world)
    response = login_as(world.representative).get(f"{COMPILED}?year=2024")
    assert response.status_code == 200
    page = response.get_data(as_text=True)
    assert "March text" in page and "June text" in page
    assert "September text" not in page and "January text" not in page
    assert page.index("March meeting") < page.index("June meeting")
    assert 'value="2024"' in page and 'media="print"' in page


def test_compiled_minutes_for_the_public_are_the_published_ones(world, client):
    _year_of_minutes(world)
    page = client.get(f"{COMPILED}?year=2024").get_data(as_text=True)
    assert "March text" in page and "June text" not in page and "September text" not in page


def test_compiled_minutes_between_two_dates(world, login_as):
    _year_of_minutes(world)
    page = login_as(world.cochair).get(f"{COMPILED}?from=2024-06-01&to=2025-01-31").get_data(as_text=True)
    assert "June text" in page and "January text" in page and "March text" not in page
    assert 'value="2024-06-01"' in page and 'value="2025-01-31"' in page


@pytest.mark.parametrize("query, message", [
    ("year=20x4", "Give the year as four digits"),
    ("year=0", "Give the year as four digits"),
    ("from=2024-13-01", "Give dates as YYYY-MM-DD"),
    ("from=2024-06-01&to=yesterday", "Give dates as YYYY-MM-DD"),
    ("from=2024-06-01&to=2024-01-01", "The period ends before it starts."),
    ("year=2024&from=2024-01-01", "Choose a year or a period, not both."),
])
def test_compiled_minutes_bad_periods_are_400_with_a_message_and_the_input_kept(query, message, world, client):
    _year_of_minutes(world)
    response = client.get(f"{COMPILED}?{query}")
    assert response.status_code == 400
    page = response.get_data(as_text=True)
    assert message in page and "March text" not in page
    for pair in query.split("&"):
        assert f'value="{pair.split("=", 1)[1]}"' in page


def _decided(world, month: int):
    minutes = written(world, f"Text {month}", title=f"Meeting {month}", when=datetime(2024, month, 6, 10))
    for n in range(month % 3 + 1):
        decision = svc.add_decision(world.secretary, minutes, f"Decision {month}.{n}", section=minutes.sections[0])
        action_svc.create_action(world.cochair, world.committee, decision=decision, title=f"Act {month}.{n}",
                                 owner_person_id=world.representative.id, owner_organisation_id=world.ngo.id)
    db.session.commit()
    return published(world, minutes)


def test_compiled_minutes_queries_do_not_grow_with_meetings(world, login_as):
    client = login_as(world.cochair)
    _decided(world, 2)
    client.get(f"{COMPILED}?year=2024")
    with count_queries() as few:
        client.get(f"{COMPILED}?year=2024")
    for month in range(3, 9):
        _decided(world, month)
    with count_queries() as many:
        page = client.get(f"{COMPILED}?year=2024").get_data(as_text=True)
    assert "Text 8" in page and "Act 8.2" in page and "Decision 2.0" in page
    assert len(many) == len(few)


def test_compiled_minutes_of_a_private_committee_are_hidden_from_others(world, client, login_as):
    published(world, written(world, "Private words", committee=world.other_committee, present=False,
                             when=datetime(2024, 5, 7, 10)))
    assert client.get("/committees/health/minutes/compiled?year=2024").status_code == 404
    assert "Private words" not in login_as(world.non_member).get(
        "/committees/health/minutes/compiled?year=2024").get_data(as_text=True)
    assert "Private words" in login_as(world.other_rep).get(
        "/committees/health/minutes/compiled?year=2024").get_data(as_text=True)

