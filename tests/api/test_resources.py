"""What each resource shows to whom: hidden stays hidden in lists and details (drafts, non-public committees,
draft minutes, contact details), writes go through the services, and the answers match the web's rules."""
from __future__ import annotations

from committees.db import db
from committees.models import ActionStatus, ProposalState
from tests.api.conftest import error_of
from tests.web.routes.actions import _item
from tests.web.routes.meetings import _cached, _new, _scheduled
from tests.web.routes.minutes import _minutes
from tests.web.routes.proposals import make_proposal

API = "/api/v1"


def _ids(response) -> set[int]:
    assert response.status_code == 200, response.get_data(as_text=True)[:300]
    return {item["id"] for item in response.get_json()["items"]}


def test_the_public_sees_public_committees_only(app, world, api_as):
    public = {c["slug"] for c in api_as(None).get(f"{API}/committees").get_json()["items"]}
    assert public == {world.committee.slug}
    signed_in = {c["slug"] for c in api_as("non_member").get(f"{API}/committees").get_json()["items"]}
    assert signed_in == {world.committee.slug, world.other_committee.slug}
    assert api_as(None).get(f"{API}/committees/{world.other_committee.slug}").status_code == 404


def test_committee_detail_has_cochairs_roster_and_links(app, world, api_as):
    body = api_as(None).get(f"{API}/committees/{world.committee.slug}").get_json()
    assert {p["full_name"] for p in body["cochairs"]} == {world.cochair.full_name, world.cochair_municipal.full_name}
    assert body["calendar_feed"] == f"/committees/{world.committee.slug}/calendar.ics"
    roster = api_as("observer").get(body["links"]["roster"]).get_json()
    assert {m["organisation"]["id"] for m in roster["items"]} == {world.ngo.id, world.municipal.id}
    assert "@" not in str(roster)  # names, never addresses


def test_private_committee_meetings_stay_hidden(app, world, api_as):
    private = _scheduled(world, world.other_committee)
    public = _scheduled(world)
    draft = _new(world)
    db.session.commit()
    url = f"{API}/committees/{world.other_committee.slug}/meetings"
    assert _ids(api_as("representative").get(url)) == set()
    assert _ids(api_as("coordinator").get(url)) == {private.id}
    listed = _ids(api_as(None).get(f"{API}/committees/{world.committee.slug}/meetings"))
    assert public.id in listed and draft.id not in listed
    assert draft.id in _ids(api_as("secretary").get(f"{API}/committees/{world.committee.slug}/meetings"))


def test_meeting_detail_shows_members_the_invitations_and_the_public_no_online_link(app, world, api_as):
    meeting = _cached(world, "_sched", _scheduled)
    meeting.online_url = "https://meet.example.org/secret-room"
    db.session.commit()
    member = api_as("representative").get(f"{API}/meetings/{meeting.id}").get_json()
    assert member["online_url"] == "https://meet.example.org/secret-room"
    assert world.representative.id in {i["person"]["id"] for i in member["invitations"]}
    assert member["my_rsvp"] is not None and member["my_rsvp"]["response"] is None
    public = api_as(None).get(f"{API}/meetings/{meeting.id}").get_json()
    assert public["online_url"] is None and public["invitations"] is None and public["my_rsvp"] is None


def test_minutes_as_each_may_see_them(app, world, api_as):
    draft, published = _minutes(world, "draft"), _minutes(world, "published")
    assert api_as("secretary").get(f"{API}/meetings/{draft.meeting_id}/minutes").get_json()["state"] == "draft"
    for who in ("representative", "observer", None):
        assert api_as(who).get(f"{API}/meetings/{draft.meeting_id}/minutes").status_code == 404
    body = api_as(None).get(f"{API}/meetings/{published.meeting_id}/minutes").get_json()
    assert body["state"] == "published" and body["sections"]


def test_decisions_register_lists_only_readable_minutes(app, world, api_as):
    draft = _minutes(world, "draft")
    url = f"{API}/committees/{world.committee.slug}/decisions"
    assert _ids(api_as(None).get(url)) == set()
    assert _ids(api_as("cochair").get(url)) == {d.id for d in draft.decisions}


def test_proposal_drafts_stay_with_their_organisation(app, world, api_as):
    draft = make_proposal(world, "draft")
    submitted = make_proposal(world, "submitted")
    forwarded = make_proposal(world, "forwarded")
    private = make_proposal(world, "submitted", private=True)
    db.session.commit()
    assert _ids(api_as("representative").get(f"{API}/proposals")) == {draft.id, submitted.id, forwarded.id}
    assert _ids(api_as("secretary").get(f"{API}/proposals")) == {submitted.id, forwarded.id}
    assert private.id in _ids(api_as("observer").get(f"{API}/proposals"))  # its own organisation's
    assert _ids(api_as("coordinator").get(f"{API}/proposals")) == {submitted.id, forwarded.id, private.id}
    assert _ids(api_as(None).get(f"{API}/proposals")) == {forwarded.id}
    assert _ids(api_as(None).get(f"{API}/proposals?state=draft")) == set()
    assert api_as("coordinator").get(f"{API}/proposals/{draft.id}").status_code == 404


def test_proposal_detail_has_cosponsors_versions_and_the_callers_steps(app, world, api_as):
    proposal = make_proposal(world, "submitted")
    db.session.commit()
    chair = api_as("cochair").get(f"{API}/proposals/{proposal.id}").get_json()
    assert chair["state"] == "submitted" and [v["number"] for v in chair["versions"]] == [1]
    assert chair["versions"][0]["text"]["title"] == proposal.title
    assert "start_review" in chair["transitions"]
    assert "start_review" not in api_as("observer").get(f"{API}/proposals/{proposal.id}").get_json()["transitions"]


def test_proposal_transitions_go_through_the_workflow(app, world, api_as):
    proposal = make_proposal(world, "submitted")
    db.session.commit()
    chair = api_as("cochair", "write")
    url = f"{API}/proposals/{proposal.id}/transitions"
    response = chair.post(url, json={"transition": "start_review"})
    assert response.status_code == 200 and response.get_json()["state"] == "under_review"
    again = chair.post(url, json={"transition": "start_review"})
    assert again.status_code == 409 and error_of(again)["code"] == "invalid_transition"
    no_reason = chair.post(url, json={"transition": "return_for_revision"})
    assert no_reason.status_code == 422 and error_of(no_reason)["fields"] == {"reason": ["Please give a reason."]}
    assert chair.post(url, json={"transition": "fly"}).status_code == 422
    assert chair.post(url, json={"transition": "start_review", "state": "adopted"}).status_code == 422
    db.session.expire_all()
    assert db.session.get(type(proposal), proposal.id).state == ProposalState.UNDER_REVIEW


def test_action_items_owners_patch_and_post_updates(app, world, api_as):
    item = _item(world)
    owner = api_as("representative", "write")
    response = owner.patch(f"{API}/actions/{item.id}", json={"status": "in_progress"})
    assert response.status_code == 200 and response.get_json()["status"] == "in_progress"
    response = owner.post(f"{API}/actions/{item.id}/updates", json={"note": "Drafted", "status": "done"})
    assert response.status_code == 201
    body = response.get_json()
    assert body["status"] == "done" and [u["note"] for u in body["updates"]][-1] == "Drafted"
    skip = owner.patch(f"{API}/actions/{item.id}", json={"status": "blocked"})  # done -> blocked: no such step
    assert skip.status_code == 409 and error_of(skip)["code"] == "invalid_transition"
    assert owner.patch(f"{API}/actions/{item.id}", json={"status": "finished"}).status_code == 422
    assert owner.patch(f"{API}/actions/{item.id}", json={"status": "done", "owner_person_id": 1}).status_code == 422
    db.session.expire_all()
    assert db.session.get(type(item), item.id).status == ActionStatus.DONE


def test_committee_action_list_filters_like_the_web(app, world, api_as):
    item = _item(world)
    other = _item(world, "municipal")
    url = f"{API}/committees/{world.committee.slug}/actions"
    assert _ids(api_as("observer").get(url)) == {item.id, other.id}
    assert _ids(api_as("observer").get(f"{url}?organisation={world.municipal.id}")) == {other.id}
    assert _ids(api_as("observer").get(f"{url}?q=ministry")) == {item.id}
    assert _ids(api_as("observer").get(f"{url}?q=%25")) == set()
    assert _ids(api_as("representative").get(f"{API}/me/actions")) == {item.id}


def test_people_show_contact_details_only_to_those_who_may_see_them(app, world, api_as):
    url = f"{API}/people/{world.representative.id}"
    assert api_as("alternate").get(url).get_json()["contact"]["email"] == world.representative.email
    stranger = api_as("other_rep").get(url).get_json()
    assert stranger["contact"] is None and world.representative.email not in str(stranger)
    assert api_as(None).get(url).status_code == 401


def test_organisations_are_for_signed_in_callers(app, world, api_as):
    assert api_as(None).get(f"{API}/organisations").status_code == 401
    ids = _ids(api_as("observer").get(f"{API}/organisations?committee={world.committee.slug}"))
    assert ids == {world.ngo.id, world.municipal.id}
    assert _ids(api_as("observer").get(f"{API}/organisations?q=solidarity")) == {world.ngo.id}
    body = api_as("observer").get(f"{API}/organisations/{world.ngo.id}").get_json()
    assert world.representative.id in {p["id"] for p in body["people"]} and "@" not in str(body["people"])
