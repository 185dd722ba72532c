"""Around a proposal on the web: co-sponsors (invite, accept, decline, remove), supports, comments and hiding them,
documents, versions and their diff, and CSRF on every one of these forms."""
from __future__ import annotations

import io
import re

import pytest
from sqlalchemy import select

from committees.db import db
from committees.models import CosponsorStatus, Document, Proposal
from committees.services import proposals as svc
from tests.web.routes.proposals import PDF, make_proposal
from tests.web.test_proposals import colleague, page


def stored(proposal) -> Proposal:
    db.session.expire_all()
    return db.session.get(Proposal, proposal.id)


# -- co-sponsors ---------------------------------------------------------------------------------------------------

def test_the_authors_invite_and_the_invited_accept(world, login_as):
    municipal_rep = colleague(world, "municipal", "mun.rep@example.org")
    proposal = make_proposal(world, "draft")
    db.session.commit()
    author = login_as(world.representative)
    html = page(author, proposal)
    assert f'value="{world.municipal.id}"' in html and f'value="{world.ngo.id}"' not in html  # not the author
    assert f'value="{world.outsider_org.id}"' not in html  # not a member of the committee
    response = author.post_form(f"/proposals/{proposal.id}/cosponsors",
                                {"invite-organisation_ids": str(world.municipal.id)})
    assert response.status_code == 302
    assert "waiting for an answer" in page(author, proposal)
    invited = login_as(municipal_rep)
    response = invited.post_form(f"/proposals/{proposal.id}/cosponsors/answer", {"answer-answer": "accept"})
    assert response.status_code == 302
    proposal = stored(proposal)
    assert proposal.cosponsors[0].status == CosponsorStatus.ACCEPTED
    html = page(invited, proposal)
    assert "Accept: co-sponsor it" not in html
    details = html[html.index("proposal-cosponsors"):]
    assert "Athens Social Services Directorate" in details[:300]


def test_declining_and_removing(world, login_as):
    municipal_rep = colleague(world, "municipal", "mun.rep@example.org")
    proposal = make_proposal(world, "submitted")
    svc.invite_cosponsor(world.representative, proposal, world.municipal)
    db.session.commit()
    assert login_as(municipal_rep).post_form(f"/proposals/{proposal.id}/cosponsors/answer",
                                             {"answer-answer": "decline"}).status_code == 302
    assert stored(proposal).cosponsors[0].status == CosponsorStatus.DECLINED
    author = login_as(world.representative)
    assert "Declined" in page(author, proposal)
    assert author.post_form(f"/proposals/{proposal.id}/cosponsors",
                            {"invite-organisation_ids": str(world.municipal.id)}).status_code == 302  # again
    response = author.post_form(f"/proposals/{proposal.id}/cosponsors/{world.municipal.id}/remove")
    assert response.status_code == 302
    assert stored(proposal).cosponsors == []
    assert author.post_form(f"/proposals/{proposal.id}/cosponsors/{world.municipal.id}/remove").status_code == 404


@pytest.mark.parametrize("answer", ["", "maybe"])
def test_a_bad_answer_is_400(world, login_as, answer):
    municipal_rep = colleague(world, "municipal", "mun.rep@example.org")
    proposal = make_proposal(world, "draft")
    svc.invite_cosponsor(world.representative, proposal, world.municipal)
    db.session.commit()
    response = login_as(municipal_rep).post_form(f"/proposals/{proposal.id}/cosponsors/answer",
                                                 {"answer-answer": answer})
    assert response.status_code == 400
    assert stored(proposal).cosponsors[0].status == CosponsorStatus.INVITED


@pytest.mark.parametrize("choice", ["", "abc", "outsider"])
def test_inviting_nobody_or_an_outsider_is_400(world, login_as, choice):
    proposal = make_proposal(world, "draft")
    db.session.commit()
    value = str(world.outsider_org.id) if choice == "outsider" else choice
    response = login_as(world.representative).post_form(f"/proposals/{proposal.id}/cosponsors",
                                                        {"invite-organisation_ids": value})
    assert response.status_code == 400
    assert stored(proposal).cosponsors == []


# -- supports ------------------------------------------------------------------------------------------------------

def test_another_member_organisation_supports_and_withdraws(world, login_as):
    municipal_rep = colleague(world, "municipal", "mun.rep@example.org")
    proposal = make_proposal(world, "submitted")
    db.session.commit()
    client = login_as(municipal_rep)
    assert "Support this proposal for Athens Social Services Directorate" in page(client, proposal)
    assert client.post_form(f"/proposals/{proposal.id}/support").status_code == 302
    html = page(client, proposal)
    assert "1 supporting organisation: Athens Social Services Directorate" in html
    assert "Withdraw our support" in html
    again = client.post_form(f"/proposals/{proposal.id}/support")
    assert again.status_code == 409 and "supports this proposal already" in again.get_data(as_text=True)
    assert client.post_form(f"/proposals/{proposal.id}/support/withdraw").status_code == 302
    assert stored(proposal).support_count == 0
    assert client.post_form(f"/proposals/{proposal.id}/support/withdraw").status_code == 409
    assert "Support this proposal" not in page(login_as(world.representative), proposal)  # the authors


# -- comments ------------------------------------------------------------------------------------------------------

def test_members_comment_in_markdown_sanitised(world, login_as):
    proposal = make_proposal(world, "submitted")
    db.session.commit()
    client = login_as(world.secretary)
    response = client.post_form(f"/proposals/{proposal.id}/comments",
                                {"comment-body": "A **good** idea <script>alert(1)</script>"})
    assert response.status_code == 302 and "#comment-" in response.headers["Location"]
    html = page(client, proposal)
    assert "<strong>good</strong>" in html and "<script>alert" not in html


def test_an_empty_comment_is_400_and_a_long_one_kept(world, login_as):
    proposal = make_proposal(world, "submitted")
    db.session.commit()
    client = login_as(world.secretary)
    response = client.post_form(f"/proposals/{proposal.id}/comments", {"comment-body": "  "})
    assert response.status_code == 400 and "Write a comment." in response.get_data(as_text=True)
    long = "x" * (svc.COMMENT_MAX + 1)
    response = client.post_form(f"/proposals/{proposal.id}/comments", {"comment-body": long})
    assert response.status_code == 400 and long in response.get_data(as_text=True)
    assert stored(proposal).comments == []


def test_a_hidden_comment_is_seen_by_its_author_and_moderators_only(world, login_as):
    proposal = make_proposal(world, "submitted")
    comment = svc.add_comment(world.secretary, proposal, "Something off topic")
    db.session.commit()
    chair = login_as(world.cochair)
    response = chair.post_form(f"/proposals/{proposal.id}/comments/{comment.id}/hide",
                               {f"hide-{comment.id}-reason": "Not about the proposal"})
    assert response.status_code == 302
    assert stored(proposal).comments[0].hidden
    author_html = page(login_as(world.secretary), proposal)
    assert "Something off topic" in author_html and "Hidden by the co-chairs: Not about the proposal" in author_html
    for moderator in (chair, login_as(world.coordinator)):
        assert "Something off topic" in page(moderator, proposal)
    for other in (world.representative, world.observer, world.alternate):
        assert "Something off topic" not in page(login_as(other), proposal), other.email
    assert chair.post_form(f"/proposals/{proposal.id}/comments/{comment.id}/unhide").status_code == 302
    assert "Something off topic" in page(login_as(world.representative), proposal)


def test_hiding_needs_a_reason_and_the_right_role(world, login_as):
    proposal = make_proposal(world, "submitted")
    comment = svc.add_comment(world.secretary, proposal, "Keep me")
    db.session.commit()
    response = login_as(world.cochair).post_form(f"/proposals/{proposal.id}/comments/{comment.id}/hide",
                                                 {f"hide-{comment.id}-reason": " "})
    assert response.status_code == 400
    assert re.search(r'<details class="mt-1" open>\s*<summary class="small">Hide', response.get_data(as_text=True))
    for person in (world.representative, world.secretary, world.observer):
        assert login_as(person).post_form(f"/proposals/{proposal.id}/comments/{comment.id}/hide",
                                          {f"hide-{comment.id}-reason": "No"}).status_code == 403
    assert not stored(proposal).comments[0].hidden


def test_a_comment_of_another_proposal_is_404(world, login_as):
    first, second = make_proposal(world, "submitted"), make_proposal(world, "submitted")
    comment = svc.add_comment(world.secretary, second, "Elsewhere")
    db.session.commit()
    response = login_as(world.cochair).post_form(f"/proposals/{first.id}/comments/{comment.id}/hide",
                                                 {f"hide-{comment.id}-reason": "No"})
    assert response.status_code == 404


# -- documents -----------------------------------------------------------------------------------------------------

def test_the_authors_attach_and_remove_documents(world, login_as, client):
    proposal = make_proposal(world, "draft")
    db.session.commit()
    author = login_as(world.representative)
    response = author.post_form(f"/proposals/{proposal.id}/documents",
                                {"document-file": (io.BytesIO(PDF), "plan.pdf")})
    assert response.status_code == 302
    document = db.session.scalars(select(Document).where(Document.proposal_id == proposal.id)).one()
    assert "plan.pdf" in page(author, proposal)
    assert author.get(f"/proposals/{proposal.id}/documents/{document.id}").data == PDF
    assert login_as(world.secretary).get(f"/proposals/{proposal.id}/documents/{document.id}").status_code == 404
    assert client.get(f"/proposals/{proposal.id}/documents/{document.id}").status_code == 302
    assert author.post_form(f"/proposals/{proposal.id}/documents/{document.id}/remove").status_code == 302
    assert author.get(f"/proposals/{proposal.id}/documents/{document.id}").status_code == 404


@pytest.mark.parametrize("upload, message", [
    (None, "Choose a file."),
    ((b"", "empty.pdf"), "The file is empty."),
    ((b"MZ\x90\x00", "tool.exe"), "Only PDF, DOCX"),
])
def test_a_bad_document_is_400(world, login_as, upload, message):
    proposal = make_proposal(world, "draft")
    db.session.commit()
    data = {} if upload is None else {"document-file": (io.BytesIO(upload[0]), upload[1])}
    response = login_as(world.representative).post_form(f"/proposals/{proposal.id}/documents", data)
    assert response.status_code == 400
    assert message in response.get_data(as_text=True)


def test_a_document_of_another_proposal_is_404(world, login_as):
    first, second = make_proposal(world, "draft"), make_proposal(world, "draft")
    document = svc.attach_document(world.representative, second, "b.pdf", PDF, max_bytes=10_000)
    db.session.commit()
    client = login_as(world.representative)
    assert client.get(f"/proposals/{first.id}/documents/{document.id}").status_code == 404
    assert client.post_form(f"/proposals/{first.id}/documents/{document.id}/remove").status_code == 404


# -- versions ------------------------------------------------------------------------------------------------------

def test_versions_are_listed_and_any_two_compared(world, login_as):
    proposal = make_proposal(world, "submitted")
    svc.update_proposal(world.representative, proposal, {"summary": "Twice a week <b>now</b>."}, note="More often")
    svc.update_proposal(world.representative, proposal, {"timeframe": "6 months"})
    db.session.commit()
    client = login_as(world.observer)
    listing = client.get(f"/proposals/{proposal.id}/versions").get_data(as_text=True)
    assert "More often" in listing and listing.count('<th scope="row">') == 3
    diff = client.get(f"/proposals/{proposal.id}/versions/compare?a=1&b=3").get_data(as_text=True)
    assert "Version 1 compared with version 3" in diff
    assert "Twice a week &lt;b&gt;now&lt;/b&gt;." in diff and "6 months" in diff
    assert "<caption>Summary</caption>" in diff and "<caption>Timeframe</caption>" in diff
    assert "Unchanged: Title" in diff
    same = client.get(f"/proposals/{proposal.id}/versions/compare?a=2&b=2").get_data(as_text=True)
    assert "The two versions are the same." in same


@pytest.mark.parametrize("query", ["a=1&b=9", "a=x&b=1", "a=&b=", "b=1"])
def test_unknown_versions_are_400_with_the_list_kept(world, login_as, query):
    proposal = make_proposal(world, "submitted")
    db.session.commit()
    response = login_as(world.observer).get(f"/proposals/{proposal.id}/versions/compare?{query}")
    assert response.status_code == 400
    html = response.get_data(as_text=True)
    assert "Unknown version" in html and "Every version of this proposal" in html


# -- CSRF ----------------------------------------------------------------------------------------------------------

def test_every_proposal_form_needs_the_csrf_token(world, login_as):
    municipal_rep = colleague(world, "municipal", "mun.rep@example.org")
    proposal = make_proposal(world, "submitted")
    comment = svc.add_comment(world.secretary, proposal, "A comment")
    document = svc.attach_document(world.representative, proposal, "a.pdf", PDF, max_bytes=10_000)
    svc.invite_cosponsor(world.representative, proposal, world.municipal)
    db.session.commit()
    p = f"/proposals/{proposal.id}"
    cases = [
        (world.representative, f"/committees/{world.committee.slug}/proposals/new", {"title": "T"}),
        (world.representative, f"{p}/edit", {"title": "T", "version": "1"}),
        (world.cochair, f"{p}/steps/start_review", {}),
        (world.secretary, f"{p}/comments", {"comment-body": "Hi"}),
        (world.cochair, f"{p}/comments/{comment.id}/hide", {f"hide-{comment.id}-reason": "x"}),
        (world.representative, f"{p}/cosponsors", {"invite-organisation_ids": str(world.municipal.id)}),
        (municipal_rep, f"{p}/cosponsors/answer", {"answer-answer": "accept"}),
        (world.representative, f"{p}/cosponsors/{world.municipal.id}/remove", {}),
        (municipal_rep, f"{p}/support", {}),
        (world.representative, f"{p}/documents/{document.id}/remove", {}),
    ]
    before = (proposal.version, len(proposal.events), proposal.support_count)
    for person, url, data in cases:
        client = login_as(person)
        assert client.post(url, data=data).status_code == 400, url
        assert client.post(url, data={**data, "csrf_token": "forged"}).status_code == 400, url
    proposal = stored(proposal)
    assert (proposal.version, len(proposal.events), proposal.support_count) == before
    assert not proposal.comments[0].hidden and proposal.cosponsors[0].status == CosponsorStatus.INVITED
