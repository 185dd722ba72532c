"""Route × role expectations for the proposal page and its actions (portal/proposals/views.py and its sibling
modules; the lists are in proposal_lists.py).

World: the NGO's representative (`representative`) files proposals to the public committee; `cochair` works for
the same NGO, so he sees its drafts, but only its representatives act for the authors. The municipal body (of
`secretary` and the municipal co-chair) is the other member organisation; `observer` and `non_member` work for an
organisation outside the committee (it files to the private `other_committee`). Proposals are made lazily by the
URL builders and cached on the world.

  GET  /committees/<slug>/proposals/new        representatives of active member organisations (private: 403)
  GET  /proposals/<id>                         draft: the author organisation (representative, cochair), others
                                               404; submitted: the committee's members and coordinators,
                                               non_member 403; forwarded (public committee): everyone; a
                                               private committee's: its author organisation and coordinators,
                                               other signed-in people 403, the public to sign in
  GET|POST /proposals/<id>/edit                the authors while editable (cochair 403: not a representative)
  POST /proposals/<id>/steps/<name>            by the table's policy action: proposal.author (representative),
                                               proposal.review (cochair, coordinators), proposal.forward
                                               (coordinators); unknown step 404 for everyone
  POST /proposals/<id>/comments                representatives, secretaries, co-chairs, coordinators (observer 403)
  POST .../comments/<c>/hide|unhide            co-chairs and coordinators
  POST /proposals/<id>/cosponsors[/<org>/remove] the authors
  POST /proposals/<id>/cosponsors/answer       an invited organisation's representatives (none of these roles)
  POST /proposals/<id>/support[/withdraw]      other member organisations' representatives (none of these roles)
  GET  /proposals/<id>/versions[/compare]      whoever sees the proposal (unknown versions 400)
  POST /proposals/<id>/documents[/<d>/remove]  the authors, before the decision
  GET  /proposals/<id>/documents/<d>           whoever sees the proposal
"""
from __future__ import annotations

import io
from datetime import date, timedelta

from committees.db import db, utcnow
from committees.models import MeetingFormat
from committees.services import meetings as meeting_svc
from committees.services import proposals as svc
from committees.workflow import PROPOSAL_TRANSITIONS
from tests.factories import PROPOSAL_PATHS as PATHS
from tests.factories import STEP_ACTOR
from tests.web.routes import ALLOWED, COORDINATORS, LOGIN, everyone, get, only, post
from tests.web.routes.meetings import _cached

PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"
FULL = dict(title="A legal aid desk at the town hall", summary="Weekly free legal advice for asylum seekers.",
            body="# The plan\n\nA desk **every Tuesday**.", target_group="Asylum seekers and recognised refugees",
            expected_impact="Fewer missed appointments.", budget_eur="12500", timeframe="12 months from September")
AUTHORS = ("representative",)
OWN_ORG = ("representative", "cochair")  # the NGO: sees its own drafts
MEMBERS = ("observer", "representative", "secretary", "cochair")
VIEWERS = (*MEMBERS, *COORDINATORS)
REVIEWERS = ("cochair", *COORDINATORS)
COMMENTERS = ("representative", "secretary", "cochair", *COORDINATORS)


def coming_meeting(w, committee=None, days: int = 10):
    start = utcnow().replace(microsecond=0, second=0) + timedelta(days=days)
    chair = w.cochair if committee is None else w.coordinator
    return meeting_svc.create_meeting(chair, committee or w.committee, title="Monthly meeting", venue="City Hall",
                                      format=MeetingFormat.IN_PERSON.value, starts_at=start,
                                      ends_at=start + timedelta(hours=2))


def step_kwargs(name: str, w, committee=None) -> dict:
    kwargs: dict = {}
    if PROPOSAL_TRANSITIONS[name].needs_reason:
        kwargs["reason"] = f"Reason for {name}"
    if name == "put_on_agenda":
        kwargs["meeting"] = coming_meeting(w, committee)
    elif name == "forward":
        kwargs.update(department="Directorate of Social Solidarity", response_deadline=date.today() + timedelta(30))
    elif name in svc.CITY_RESPONSES:
        kwargs["reply"] = "The Mayor's office answers: **yes**."
    return kwargs


def make_proposal(w, state: str = "draft", private: bool = False, **values):
    """A proposal of the NGO (or, `private`, of the outside organisation to the private committee) in `state`."""
    author = w.other_rep if private else w.representative
    committee = w.other_committee if private else w.committee
    proposal = svc.create_proposal(author, committee, **{**FULL, **values})
    for name in PATHS[state]:
        actor = getattr(w, STEP_ACTOR[name])
        if private and actor is w.representative:
            actor = w.other_rep
        elif private and actor is w.cochair:
            actor = w.coordinator
        svc.transition_proposal(actor, proposal, name, **step_kwargs(name, w, committee if private else None))
    db.session.flush()
    return proposal


def cached(state: str, private: bool = False, setup=None):
    def make(w):
        proposal = make_proposal(w, state, private)
        if setup is not None:
            setup(w, proposal)
        return proposal

    return lambda w: _cached(w, f"_proposal_{state}_{private}_{getattr(setup, '__name__', '')}", make)


def url(state: str, path: str = "", private: bool = False, setup=None):
    find = cached(state, private, setup)
    return lambda w: f"/proposals/{find(w).id}{path}"


def _with_comment(w, proposal):
    svc.add_comment(w.secretary, proposal, "A **fine** idea.")


def _with_hidden_comment(w, proposal):
    comment = svc.add_comment(w.secretary, proposal, "Off topic.")
    svc.hide_comment(w.cochair, comment, "Off topic")


def _with_invitation(w, proposal):
    svc.invite_cosponsor(w.representative, proposal, w.municipal)


def _with_document(w, proposal):
    svc.attach_document(w.representative, proposal, "plan.pdf", PDF, max_bytes=1_000_000)


def _with_versions(w, proposal):
    svc.update_proposal(w.representative, proposal, {"summary": "Weekly free legal advice, twice a week."})


def comment_url(state: str, path: str, setup=_with_comment):
    find = cached(state, setup=setup)
    return lambda w: f"/proposals/{find(w).id}/comments/{find(w).comments[0].id}/{path}"


def document_url(path: str = ""):
    find = cached("draft", setup=_with_document)
    return lambda w: f"/proposals/{find(w).id}/documents/{svc.proposal_documents(find(w))[0].id}{path}"


def cosponsor_remove_url(w):
    proposal = cached("draft", setup=_with_invitation)(w)
    return f"/proposals/{proposal.id}/cosponsors/{w.municipal.id}/remove"


def step(state: str, name: str, private: bool = False):
    return url(state, f"/steps/{name}", private)


def step_data(name: str):
    def data(w):
        values = {f"{name}-reason": f"Because of {name}"}
        if name == "forward":
            values.update({"forward-department": "Directorate of Social Solidarity",
                           "forward-response_deadline": (date.today() + timedelta(20)).isoformat()})
        elif name in svc.CITY_RESPONSES:
            values[f"{name}-reply"] = "The City agrees."
        return values

    return data


def texts(w):
    return {**FULL, "title": "Changed by the matrix", "version": "1"}


DRAFT = {**{r: 404 for r in ("observer", "secretary", "non_member", *COORDINATORS)}, "public": LOGIN}
DRAFT_SEEN = {**DRAFT, "representative": 200, "cochair": 200}
SUBMITTED_SEEN = {**only(VIEWERS), "non_member": 403}
PRIVATE = {"public": LOGIN, "observer": 200, "non_member": 200, "coordinator": 200, "admin": 200,
           "representative": 403, "secretary": 403, "cochair": 403}


def by_authors(outcome=ALLOWED):
    return {**DRAFT, "representative": outcome, "cochair": 403}


EXPECTATIONS = [
    get("proposals.new_proposal", lambda w: f"/committees/{w.committee.slug}/proposals/new", only(AUTHORS)),
    get("proposals.new_proposal", lambda w: f"/committees/{w.other_committee.slug}/proposals/new",
        only((), public=404), label="not a member"),
    get("proposals.new_proposal", lambda w: "/committees/no-such-committee/proposals/new",
        {**everyone(404)}, label="unknown committee"),
    post("proposals.new_proposal", lambda w: f"/committees/{w.committee.slug}/proposals/new", only(AUTHORS, ALLOWED),
         data=lambda w: dict(FULL)),
    get("proposals.show_proposal", url("draft"), DRAFT_SEEN, label="draft"),
    # deleting: the authors their draft; coordinators any proposal they see
    post("proposals.delete_proposal", url("draft", "/delete"), by_authors(), label="draft"),
    post("proposals.delete_proposal", url("forwarded", "/delete"), only(COORDINATORS, ALLOWED), label="forwarded"),
    get("proposals.show_proposal", url("submitted", setup=_with_comment), SUBMITTED_SEEN, label="submitted"),
    get("proposals.show_proposal", url("forwarded"), everyone(200), label="forwarded"),
    get("proposals.show_proposal", url("submitted", private=True), PRIVATE, label="private"),
    get("proposals.show_proposal", url("forwarded", private=True), PRIVATE, label="private forwarded"),
    get("proposals.show_proposal", lambda w: "/proposals/999999", {**everyone(404), "public": 404},
        label="unknown"),
    get("proposals.edit_proposal", url("draft", "/edit"), by_authors(200), label="draft"),
    get("proposals.edit_proposal", url("under_review", "/edit"), only(AUTHORS), label="under review"),
    get("proposals.edit_proposal", url("forwarded", "/edit"), {**everyone(403), "public": LOGIN}, label="forwarded"),
    post("proposals.edit_proposal", url("draft", "/edit"), by_authors(), data=texts),
    post("proposals.take_proposal_step", step("draft", "submit"), by_authors(), label="submit"),
    post("proposals.take_proposal_step", step("submitted", "start_review"),
         {**only(REVIEWERS, ALLOWED)}, label="start_review"),
    post("proposals.take_proposal_step", step("under_review", "return_for_revision"), only(REVIEWERS, ALLOWED),
         data=step_data("return_for_revision"), label="return_for_revision"),
    post("proposals.take_proposal_step", step("on_agenda", "endorse"), only(REVIEWERS, ALLOWED), label="endorse"),
    post("proposals.take_proposal_step", step("endorsed", "forward"), only(COORDINATORS, ALLOWED),
         data=step_data("forward"), label="forward"),
    post("proposals.take_proposal_step", step("forwarded", "adopt"), only(COORDINATORS, ALLOWED),
         data=step_data("adopt"), label="adopt"),
    post("proposals.take_proposal_step", step("submitted", "withdraw"), only(AUTHORS, ALLOWED),
         data=step_data("withdraw"), label="withdraw"),
    post("proposals.take_proposal_step", step("submitted", "start_review", private=True),
         {**PRIVATE, "observer": 403, "non_member": 403, "coordinator": ALLOWED, "admin": ALLOWED},
         label="private"),
    post("proposals.take_proposal_step", step("submitted", "no_such_step"), {**everyone(404)}, label="unknown"),
    post("proposals.comment_on_proposal", url("submitted", "/comments"), {**only(COMMENTERS, ALLOWED)},
         data=lambda w: {"comment-body": "Agreed."}),
    post("proposals.comment_on_proposal", url("draft", "/comments"), {**DRAFT, "representative": 403,
                                                                      "cochair": 403}, label="draft"),
    post("proposals.hide_proposal_comment", comment_url("submitted", "hide"), only(REVIEWERS, ALLOWED),
         data=lambda w: {f"hide-{cached('submitted', setup=_with_comment)(w).comments[0].id}-reason": "Off topic"}),
    post("proposals.unhide_proposal_comment", comment_url("submitted", "unhide", _with_hidden_comment),
         only(REVIEWERS, ALLOWED)),
    post("proposals.invite_proposal_cosponsors", url("draft", "/cosponsors"), by_authors(),
         data=lambda w: {"invite-organisation_ids": str(w.municipal.id)}),
    post("proposals.answer_cosponsor_invitation", url("draft", "/cosponsors/answer", setup=_with_invitation),
         {**DRAFT, "representative": 403, "cochair": 403, "secretary": 403},
         data=lambda w: {"answer-answer": "accept"}),
    post("proposals.remove_proposal_cosponsor", cosponsor_remove_url, {**by_authors(), "secretary": 403}),
    post("proposals.support_proposal", url("submitted", "/support"), only(())),
    post("proposals.withdraw_proposal_support", url("submitted", "/support/withdraw"), only(())),
    get("proposals.list_proposal_versions", url("submitted", "/versions", setup=_with_versions), SUBMITTED_SEEN),
    get("proposals.list_proposal_versions", url("draft", "/versions"), DRAFT_SEEN, label="draft"),
    get("proposals.compare_proposal_versions", url("submitted", "/versions/compare?a=1&b=2", setup=_with_versions),
        SUBMITTED_SEEN),
    get("proposals.compare_proposal_versions", url("submitted", "/versions/compare?a=1&b=x"),
        {**SUBMITTED_SEEN, **{r: 400 for r in VIEWERS}}, label="bad version"),
    post("proposals.attach_proposal_document", url("draft", "/documents"), by_authors(),
         data=lambda w: {"document-file": (io.BytesIO(PDF), "more.pdf")}),
    get("proposals.download_proposal_document", document_url(), DRAFT_SEEN),
    post("proposals.remove_proposal_document", document_url("/remove"), by_authors()),
]
