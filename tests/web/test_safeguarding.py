"""Safeguarding on the pages (issue 8): submitting, commenting, editing after submission and circulating show the
passages that look like a beneficiary's personal data and ask for a reason, keeping what was typed; the public reads
such passages masked on the proposal, minutes and search pages."""
from __future__ import annotations

import html as html_module
from datetime import datetime, timedelta

from sqlalchemy import select

from committees.db import db
from committees.models import AuditEntry, Proposal, ProposalState
from committees.models.minutes import MinutesState
from committees.services import minutes as minutes_svc
from tests.domain.test_minutes import _held
from tests.web.routes.proposals import make_proposal

PHONE = "+30 694 123 4567"
WARNING = "Personal data of the people we serve?"


def page_text(response) -> str:
    return html_module.unescape(response.get_data(as_text=True))


def confirmations() -> list[AuditEntry]:
    db.session.expire_all()
    return list(db.session.scalars(select(AuditEntry).where(AuditEntry.action == "safeguarding.confirmed")))


def test_submitting_shows_the_passages_and_takes_a_reason(world, login_as):
    proposal = make_proposal(world, "draft", body=f"The family (tel. {PHONE}) needs a lawyer.")
    db.session.commit()
    client = login_as(world.representative)
    url = f"/proposals/{proposal.id}/steps/submit"
    refused = client.post_form(url, {})
    assert refused.status_code == 422
    text = page_text(refused)
    assert WARNING in text and f"(tel. {PHONE}) needs" in text and "phone number" in text.lower()
    assert 'name="submit-safeguarding_reason"' in text and f'action="{url}"' in text
    assert db.session.get(Proposal, proposal.id).state == ProposalState.DRAFT
    done = client.post_form(url, {"submit-safeguarding_reason": "The NGO's own office line"})
    assert done.status_code == 302
    db.session.expire_all()
    assert db.session.get(Proposal, proposal.id).state == ProposalState.SUBMITTED
    assert [e.details["reason"] for e in confirmations()] == ["The NGO's own office line"]


def test_a_clean_draft_submits_with_one_click(world, login_as):
    proposal = make_proposal(world, "draft")
    db.session.commit()
    page = login_as(world.representative).get(f"/proposals/{proposal.id}").get_data(as_text=True)
    assert "safeguarding_reason" not in page  # the field only appears once something was found
    assert login_as(world.representative).post_form(f"/proposals/{proposal.id}/steps/submit").status_code == 302


def test_a_comment_is_kept_while_the_reason_is_asked(world, login_as):
    proposal = make_proposal(world, "submitted")
    db.session.commit()
    client = login_as(world.secretary)
    body = "Ask Mrs K. directly: k.family@example.org, she agreed."
    refused = client.post_form(f"/proposals/{proposal.id}/comments", {"comment-body": body})
    assert refused.status_code == 422
    text = page_text(refused)
    assert WARNING in text and "email address" in text.lower() and f"{body}</textarea>" in text
    done = client.post_form(f"/proposals/{proposal.id}/comments",
                            {"comment-body": body, "comment-safeguarding_reason": "She asked us to share it"})
    assert done.status_code == 302
    assert [e.details["step"] for e in confirmations()] == ["proposal.comment"]


def test_an_edit_after_submission_keeps_the_form(world, login_as):
    proposal = make_proposal(world, "submitted")
    db.session.commit()
    client = login_as(world.representative)
    form = {name: getattr(proposal, name) or "" for name in ("title", "summary", "body", "target_group",
                                                              "expected_impact", "timeframe")}
    form.update(budget_eur="12500.50", version=str(proposal.version), language="",
                summary="For Ms A., born 12/03/1990, and her children.")
    refused = client.post_form(f"/proposals/{proposal.id}/edit", form)
    assert refused.status_code == 422
    text = page_text(refused)
    assert WARNING in text and "born 12/03/1990" in text and "date of birth" in text.lower()
    assert 'value="For Ms A., born 12/03/1990, and her children."' in text or \
        ">For Ms A., born 12/03/1990, and her children.<" in text
    form["safeguarding_reason"] = "Anonymised otherwise; needed for the case"
    assert client.post_form(f"/proposals/{proposal.id}/edit", form).status_code == 302
    db.session.expire_all()
    assert db.session.get(Proposal, proposal.id).summary.startswith("For Ms A.")


def test_circulating_minutes_asks_for_a_reason(world, login_as):
    minutes = minutes_svc.create_minutes(world.secretary, _held(world))
    minutes_svc.save_minutes(world.secretary, minutes, {minutes.sections[0].id: "Mr A., AMKA 01019012345."},
                             minutes.version)
    db.session.commit()
    client = login_as(world.cochair)
    url = f"/meetings/{minutes.meeting_id}/minutes/transitions/circulate"
    deadline = (datetime.now() + timedelta(days=7)).strftime("%Y-%m-%dT%H:%M")
    refused = client.post_form(url, {"circulate-comments_deadline": deadline})
    assert refused.status_code == 422
    text = page_text(refused)
    assert WARNING in text and "AMKA 01019012345" in text and 'name="circulate-safeguarding_reason"' in text
    assert f'value="{deadline}"' in text  # the deadline typed is kept
    done = client.post_form(url, {"circulate-comments_deadline": deadline,
                                  "circulate-safeguarding_reason": "Removed before approval"})
    assert done.status_code == 302
    db.session.expire_all()
    assert minutes.state == MinutesState.CIRCULATED


def _forwarded_with(world, **texts) -> Proposal:
    """A forwarded proposal of the public committee whose text (confirmed by its authors) holds personal data."""
    proposal = make_proposal(world, "forwarded")
    for name, value in texts.items():
        setattr(proposal, name, value)
    db.session.commit()
    return proposal


def test_the_public_reads_such_passages_masked(app, world, login_as):
    proposal = _forwarded_with(world, summary=f"Call {PHONE} for details.",
                               body_html='<p>Mail <a href="mailto:x.y@example.org">x.y@example.org</a></p>')
    public = app.test_client().get(f"/proposals/{proposal.id}")
    assert public.status_code == 200
    text = public.get_data(as_text=True)
    assert PHONE not in text and "x.y@example.org" not in text and "•••" in text
    member = login_as(world.representative).get(f"/proposals/{proposal.id}").get_data(as_text=True)
    assert PHONE in member and "x.y@example.org" in member


def test_published_minutes_are_masked_for_the_public(app, world):
    minutes = minutes_svc.create_minutes(world.secretary, _held(world))
    section = minutes.sections[0]
    minutes_svc.save_minutes(world.secretary, minutes, {section.id: "Discussed the general situation."},
                             minutes.version)
    minutes_svc.transition_minutes(world.cochair, minutes, "circulate",
                                   comments_deadline=datetime.now().astimezone() + timedelta(days=7))
    minutes_svc.transition_minutes(world.cochair, minutes, "approve", approved_how="cochairs")
    minutes_svc.transition_minutes(world.cochair, minutes, "publish")
    section.discussion_html = f"<p>Mr A. can be reached on {PHONE}.</p>"
    db.session.commit()
    text = app.test_client().get(f"/meetings/{minutes.meeting_id}/minutes").get_data(as_text=True)
    assert "can be reached on" in text and PHONE not in text
