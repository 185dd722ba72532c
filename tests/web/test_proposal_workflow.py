"""The proposal workflow from the web: every step of PROPOSAL_TRANSITIONS through its form, buttons generated from
the table filtered by the policy, reasons required (400 with the text kept), the agenda item, decision, City
department and deadline and the City's reply with its document, wrong-state steps 409."""
from __future__ import annotations

import html as html_module
import io
import re
from datetime import date, timedelta

import pytest
from sqlalchemy import select

from committees.db import db
from committees.models import AgendaItem, Document, Proposal, ProposalState
from committees.models.meetings import MeetingState
from committees.services import agendas
from committees.services import minutes as minutes_svc
from committees.services import proposals as proposal_svc
from committees.workflow import PROPOSAL_TRANSITIONS
from tests.queries import count_queries
from tests.web.routes.proposals import PATHS, PDF, STEP_ACTOR, coming_meeting, make_proposal, step_data

CASES = [(t.name, sorted(t.sources)[0].value) for t in PROPOSAL_TRANSITIONS.values()]
# The roles that see each step's button (from the table's policy action) on a proposal of the NGO.
BUTTONS = {"proposal.author": {"representative"}, "proposal.review": {"cochair", "coordinator", "admin"},
           "proposal.forward": {"coordinator", "admin"}}


def stored(proposal) -> Proposal:
    db.session.expire_all()
    return db.session.get(Proposal, proposal.id)


def form_data(name: str, world, proposal) -> dict:
    data = step_data(name)(world)
    if name == "put_on_agenda":
        data["put_on_agenda-target"] = f"meeting-{coming_meeting(world).id}"
        db.session.commit()
    return data


@pytest.mark.parametrize("name, source", CASES, ids=[c[0] for c in CASES])
def test_every_step_from_the_web(world, login_as, name, source):
    proposal = make_proposal(world, source)
    db.session.commit()
    actor = getattr(world, STEP_ACTOR[name])
    client = login_as(actor)
    html = client.get(f"/proposals/{proposal.id}").get_data(as_text=True)
    assert f"/proposals/{proposal.id}/steps/{name}" in html
    response = client.post_form(f"/proposals/{proposal.id}/steps/{name}", form_data(name, world, proposal))
    assert response.status_code == 302, response.get_data(as_text=True)[:3000]
    proposal = stored(proposal)
    transition = PROPOSAL_TRANSITIONS[name]
    assert proposal.state == transition.target
    event = proposal.events[-1]
    assert event.kind == name and event.actor_id == actor.id
    if transition.needs_reason:
        assert event.reason == f"Because of {name}"
    page = html_module.unescape(client.get(f"/proposals/{proposal.id}").get_data(as_text=True))
    assert f"Done: {transition.title}." in page


@pytest.mark.parametrize("state", list(PATHS))
def test_buttons_come_from_the_table_filtered_by_the_policy(world, login_as, state):
    proposal = make_proposal(world, state)
    db.session.commit()
    for role in ("representative", "observer", "secretary", "cochair", "coordinator"):
        html = login_as(getattr(world, role)).get(f"/proposals/{proposal.id}").get_data(as_text=True)
        if state == "draft" and role not in ("representative", "cochair"):
            continue  # they do not see the draft at all
        shown = set(re.findall(rf"/proposals/{proposal.id}/steps/(\w+)", html))
        expected = {t.name for t in PROPOSAL_TRANSITIONS.values()
                    if proposal.state in t.sources and role in BUTTONS[t.action]}
        assert shown == expected, (role, state)


@pytest.mark.parametrize("name", [t.name for t in PROPOSAL_TRANSITIONS.values() if t.needs_reason])
def test_a_missing_reason_is_400_and_what_was_typed_is_kept(world, login_as, name):
    source = sorted(PROPOSAL_TRANSITIONS[name].sources)[-1].value
    proposal = make_proposal(world, source)
    db.session.commit()
    data = {**form_data(name, world, proposal), f"{name}-reason": "   "}
    if name == "not_adopt":
        data["not_adopt-reply"] = "The City's <em>long</em> reply"
    response = login_as(getattr(world, STEP_ACTOR[name])).post_form(f"/proposals/{proposal.id}/steps/{name}", data)
    assert response.status_code == 400
    html = response.get_data(as_text=True)
    assert "Please give a reason." in html
    assert re.search(rf'<details[^>]*step-{name}[^>]*open', html)
    if name == "not_adopt":
        assert "The City&#39;s &lt;em&gt;long&lt;/em&gt; reply" in html
    assert stored(proposal).state == ProposalState(source)


def test_submitting_an_incomplete_draft_is_refused_with_the_reason(world, login_as):
    proposal = make_proposal(world, "draft", expected_impact="")
    db.session.commit()
    response = login_as(world.representative).post_form(f"/proposals/{proposal.id}/steps/submit")
    assert response.status_code == 400
    assert "Fill in every part of the proposal before submitting it" in response.get_data(as_text=True)
    assert stored(proposal).state == ProposalState.DRAFT


def test_a_step_from_the_wrong_state_is_409(world, login_as):
    proposal = make_proposal(world, "submitted")
    db.session.commit()
    response = login_as(world.cochair).post_form(f"/proposals/{proposal.id}/steps/endorse")
    assert response.status_code == 409
    assert "not possible in the current state" in response.get_data(as_text=True)
    assert stored(proposal).state == ProposalState.SUBMITTED


def test_steps_are_refused_to_those_the_table_does_not_name(world, login_as):
    proposal = make_proposal(world, "endorsed")
    db.session.commit()
    for person in (world.cochair, world.representative, world.secretary):
        response = login_as(person).post_form(f"/proposals/{proposal.id}/steps/forward",
                                              step_data("forward")(world))
        assert response.status_code == 403
    assert stored(proposal).state == ProposalState.ENDORSED


# -- the agenda ----------------------------------------------------------------------------------------------------

def test_put_on_agenda_offers_coming_meetings_and_their_items(world, login_as):
    proposal = make_proposal(world, "under_review")
    coming = coming_meeting(world)
    item = agendas.add_item(world.cochair, coming, title="Legal aid")
    past = coming_meeting(world, days=-3)
    past.state = MeetingState.HELD
    db.session.commit()
    client = login_as(world.cochair)
    html = client.get(f"/proposals/{proposal.id}").get_data(as_text=True)
    assert f'value="meeting-{coming.id}"' in html and f'value="item-{item.id}"' in html
    assert f'value="meeting-{past.id}"' not in html
    response = client.post_form(f"/proposals/{proposal.id}/steps/put_on_agenda",
                                {"put_on_agenda-target": f"item-{item.id}"})
    assert response.status_code == 302
    db.session.expire_all()
    assert db.session.get(AgendaItem, item.id).proposal_id == proposal.id
    page = client.get(f"/proposals/{proposal.id}").get_data(as_text=True)
    assert f"/meetings/{coming.id}#item-{item.id}" in page and "Agenda item: Legal aid" in page
    meeting_page = client.get(f"/meetings/{coming.id}").get_data(as_text=True)
    assert f'href="/proposals/{proposal.id}"' in meeting_page


@pytest.mark.parametrize("target", ["", "item-999999", "meeting-abc", "nonsense"])
def test_put_on_agenda_with_a_bad_choice_is_400(world, login_as, target):
    proposal = make_proposal(world, "under_review")
    coming_meeting(world)
    db.session.commit()
    response = login_as(world.cochair).post_form(f"/proposals/{proposal.id}/steps/put_on_agenda",
                                                 {"put_on_agenda-target": target})
    assert response.status_code == 400
    assert stored(proposal).state == ProposalState.UNDER_REVIEW


def test_another_committees_meeting_is_not_a_choice(world, login_as):
    proposal = make_proposal(world, "under_review")
    other = coming_meeting(world, committee=world.other_committee)
    db.session.commit()
    client = login_as(world.coordinator)
    assert f"meeting-{other.id}" not in client.get(f"/proposals/{proposal.id}").get_data(as_text=True)
    response = client.post_form(f"/proposals/{proposal.id}/steps/put_on_agenda",
                                {"put_on_agenda-target": f"meeting-{other.id}"})
    assert response.status_code == 400
    assert stored(proposal).state == ProposalState.UNDER_REVIEW


# -- the decision, forwarding and the City's reply -----------------------------------------------------------------

def test_endorse_links_the_decision_in_the_minutes_both_ways(world, login_as):
    proposal = make_proposal(world, "on_agenda")
    meeting = coming_meeting(world, days=-2)
    agendas.add_item(world.cochair, meeting, title="The legal aid desk")
    meeting.state = MeetingState.HELD
    minutes = minutes_svc.create_minutes(world.cochair, meeting)
    decision = minutes_svc.add_decision(world.cochair, minutes, "Endorse the desk", section=minutes.sections[0])
    db.session.commit()
    client = login_as(world.cochair)
    assert f'<option value="{decision.id}">' in client.get(f"/proposals/{proposal.id}").get_data(as_text=True)
    response = client.post_form(f"/proposals/{proposal.id}/steps/endorse", {"endorse-decision_id": str(decision.id)})
    assert response.status_code == 302
    page = client.get(f"/proposals/{proposal.id}").get_data(as_text=True)
    assert f"/meetings/{meeting.id}/minutes#decision-{decision.id}" in page and "Endorse the desk" in page
    minutes_page = client.get(f"/meetings/{meeting.id}/minutes").get_data(as_text=True)
    assert f'href="/proposals/{proposal.id}"' in minutes_page


@pytest.mark.parametrize("department, deadline, message", [
    ("", (date.today() + timedelta(10)).isoformat(), "Name the City department"),
    ("Directorate", "", "Give a response deadline, today or later."),
    ("Directorate", (date.today() - timedelta(1)).isoformat(), "Give a response deadline, today or later."),
    ("Directorate", "31/12/2030", "Not a valid date value."),
])
def test_forwarding_needs_a_department_and_a_deadline(world, login_as, department, deadline, message):
    proposal = make_proposal(world, "endorsed")
    db.session.commit()
    response = login_as(world.coordinator).post_form(
        f"/proposals/{proposal.id}/steps/forward",
        {"forward-department": department or "", "forward-response_deadline": deadline})
    assert response.status_code == 400
    html = response.get_data(as_text=True)
    assert message in html
    if department:
        assert 'value="Directorate"' in html
    assert stored(proposal).state == ProposalState.ENDORSED


def test_forwarding_shows_the_department_and_the_deadline(world, login_as, client):
    proposal = make_proposal(world, "endorsed")
    db.session.commit()
    deadline = date.today() + timedelta(21)
    response = login_as(world.coordinator).post_form(
        f"/proposals/{proposal.id}/steps/forward",
        {"forward-department": "Directorate of Social Solidarity", "forward-response_deadline": deadline.isoformat()})
    assert response.status_code == 302
    proposal = stored(proposal)
    assert proposal.city_department == "Directorate of Social Solidarity" and proposal.response_deadline == deadline
    html = client.get(f"/proposals/{proposal.id}").get_data(as_text=True)  # the public, the committee is public
    assert "addressed to Directorate of Social Solidarity" in html and "response due by" in html


def test_an_overdue_response_is_marked_in_words(world, login_as):
    proposal = make_proposal(world, "forwarded")
    proposal.response_deadline = date.today() - timedelta(days=3)
    db.session.commit()
    assert "Response overdue" in login_as(world.representative).get(f"/proposals/{proposal.id}").get_data(as_text=True)


def test_the_citys_reply_with_its_document(world, login_as, client):
    proposal = make_proposal(world, "forwarded")
    db.session.commit()
    response = login_as(world.coordinator).post_form(
        f"/proposals/{proposal.id}/steps/adopt_in_part",
        {"adopt_in_part-reply": "We adopt the **desk**, not the budget.",
         "adopt_in_part-document": (io.BytesIO(PDF), "reply.pdf")})
    assert response.status_code == 302
    proposal = stored(proposal)
    assert proposal.state == ProposalState.ADOPTED_IN_PART and proposal.city_responded_at is not None
    document = db.session.scalars(select(Document).where(Document.proposal_id == proposal.id)).one()
    html = client.get(f"/proposals/{proposal.id}").get_data(as_text=True)
    assert "<strong>desk</strong>" in html and "Adopted in part by the City" in html
    link = f"/proposals/{proposal.id}/documents/{document.id}"
    assert link in html
    download = client.get(link)
    assert download.status_code == 200 and download.data == PDF
    assert "attachment" in download.headers["Content-Disposition"]


def test_the_citys_reply_is_required_and_a_bad_document_refused(world, login_as):
    proposal = make_proposal(world, "forwarded")
    db.session.commit()
    client = login_as(world.coordinator)
    response = client.post_form(f"/proposals/{proposal.id}/steps/adopt", {"adopt-reply": ""})
    assert response.status_code == 400 and "Record the City&#39;s reply." in response.get_data(as_text=True)
    response = client.post_form(f"/proposals/{proposal.id}/steps/adopt",
                                {"adopt-reply": "Yes, kept text", "adopt-document": (io.BytesIO(b"MZ\x90"), "x.exe")})
    assert response.status_code == 400
    html = response.get_data(as_text=True)
    assert "Only PDF, DOCX" in html and "Yes, kept text" in html
    assert stored(proposal).state == ProposalState.FORWARDED
    assert db.session.scalars(select(Document).where(Document.proposal_id == proposal.id)).first() is None


def test_the_timeline_shows_who_when_and_why(world, login_as):
    proposal = make_proposal(world, "returned")
    db.session.commit()
    html = login_as(world.representative).get(f"/proposals/{proposal.id}").get_data(as_text=True)
    timeline = html[html.index('id="timeline"'):]
    for words in ("Drafted", "Submitted", "Under review", "Returned for revision", "Why: Reason for "
                  "return_for_revision", "by Chris Chair", "by Rita Rep", "Version 1"):
        assert words in timeline, words
    assert timeline.index("Drafted") < timeline.index("Under review") < timeline.index("Returned for revision")


def test_links_from_agenda_items_and_decisions_cost_no_query_per_link(world, login_as):
    """The meeting page and the minutes link each item's or decision's proposal, with the same number of
    queries whether one or all of them concern a proposal."""
    pages = []
    for linked in (1, 4):
        meeting = coming_meeting(world, days=5 + linked)
        items = [agendas.add_item(world.cochair, meeting, title=f"Item {n}") for n in range(4)]
        for item in items[:linked]:
            proposal = make_proposal(world, "under_review", title=f"Proposal {linked}-{item.id}")
            proposal_svc.transition_proposal(world.cochair, proposal, "put_on_agenda", agenda_item=item)
        db.session.commit()
        pages.append(f"/meetings/{meeting.id}")
    client = login_as(world.secretary)
    counts = []
    for url in pages:
        client.get(url)
        with count_queries() as statements:
            html = client.get(url).get_data(as_text=True)
        counts.append(len(statements))
        assert html.count("The proposal discussed under this item") == (1 if url == pages[0] else 4)
    assert counts[0] == counts[1], counts
