"""Safeguarding the people served (issue 8): text that looks like a beneficiary's personal data stops submitting a
proposal, circulating or publishing minutes and posting comments until the writer fixes it or confirms with a reason;
the confirmation is audited without copying the data; `mask` hides the same patterns for the public."""
from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import select

from committees import safeguarding
from committees.db import db, utcnow
from committees.models import AuditEntry, MinutesState
from committees.models.proposals import ProposalState
from committees.safeguarding import PersonalDataSuspected, mask, scan
from committees.services import minutes as minutes_svc
from committees.services import proposals as svc
from tests.domain.test_minutes import _circulated, _held
from tests.domain.test_proposals import file_proposal, proposal_in

PHONE = "+30 694 123 4567"


@pytest.mark.parametrize("text, kind, value", [
    (f"Call Ahmad on {PHONE} tomorrow.", "phone", PHONE),
    ("Her mobile is 6941234567.", "phone", "6941234567"),
    ("Office: 210 123 4567 (mornings).", "phone", "210 123 4567"),
    ("Write to fatima.h@gmail.com about it.", "email", "fatima.h@gmail.com"),
    ("Passport AB1234567 expired.", "id_number", "AB1234567"),
    ("ID card ΑΚ 123456 was lost.", "id_number", "ΑΚ 123456"),
    ("Αριθμός ταυτότητας: Χ 654321.", "id_number", "Χ 654321"),
    ("His asylum case no. 12345/2023 is pending.", "case_number", "12345/2023"),
    ("UNHCR individual number 123-45C67890.", "case_number", "123-45C67890"),
    ("AMKA 01019012345 for the clinic.", "social_security", "01019012345"),
    ("ΑΦΜ: 123456789.", "social_security", "123456789"),
    ("She was born 12/03/1990 in Kabul.", "birth_date", "12/03/1990"),
    ("Date of birth: 3 March 1988.", "birth_date", "3 March 1988"),
    ("Γεννήθηκε το 1995 στη Συρία.", "birth_date", "1995"),
    ("ημ. γεν. 01.02.2001", "birth_date", "01.02.2001"),
])
def test_the_patterns_are_found_in_english_and_greek(text, kind, value):
    found = scan(text)
    assert [(f.kind, text[f.start:f.end]) for f in found] == [(kind, value)]
    assert value in found[0].passage


@pytest.mark.parametrize("text", [
    "The meeting on 12.03.2025 agreed a budget of 150,000 EUR (1.500.000 over 2024-2026).",
    "Under law 4939/2022, article 12, the City funds 30% of the desk.",
    "Meeting on 2025-03-12 at 10:00 in room 12; next one 9 April 2025.",
    "Case study: 45 families in Kypseli; reference 2024 report, file 2024-2025.",
    "Residence permit renewals for 2024 doubled; 1200 people waited over 3 months.",
    "Decision 2025/7: the committee endorses the proposal of the working group.",
    "Αποφασίστηκε στις 12/03/2025 με 12 ψήφους υπέρ.",
])
def test_ordinary_committee_text_raises_no_alarm(text):
    assert scan(text) == []


def test_passages_are_short_and_on_one_line():
    text = "A" * 100 + "\n\ncall " + PHONE + "\nnow" + "B" * 100
    (finding,) = scan(text)
    assert finding.passage.startswith("…") and finding.passage.endswith("…")
    assert "\n" not in finding.passage and PHONE in finding.passage and len(finding.passage) < 120


def test_mask_hides_the_text_and_links_and_keeps_the_tags():
    html = (f'<p>Call <strong>{PHONE}</strong> or <a href="mailto:a.b@example.gr" rel="nofollow">a.b@example.gr</a>, '
            'born 1.2.1990.</p>')
    masked = mask(html)
    assert PHONE not in masked and "a.b@example.gr" not in masked and "1.2.1990" not in masked
    assert masked.startswith("<p>Call <strong>") and '<a href="mailto:' in masked and masked.endswith(".</p>")
    assert masked.count("<") == html.count("<") and "•" in masked
    plain = "<p>The committee met on 12.03.2025.</p>"
    assert mask(plain) == plain


def test_check_needs_a_reason_and_keeps_it_short():
    with pytest.raises(PersonalDataSuspected) as caught:
        safeguarding.check({"body": f"Tel {PHONE}"}, "  ")
    assert caught.value.status == 422 and caught.value.code == "personal_data_suspected"
    assert caught.value.as_json() == [{"field": "body", "kind": "phone", "passage": f"Tel {PHONE}"}]
    findings, reason = safeguarding.check({"body": f"Tel {PHONE}"}, "  The  office line of the NGO ")
    assert reason == "The office line of the NGO" and list(findings) == ["body"]
    assert safeguarding.check({"body": "Nothing here"}, None) == ({}, "")


def _confirmations() -> list[AuditEntry]:
    db.session.expire_all()
    return list(db.session.scalars(select(AuditEntry).where(AuditEntry.action == "safeguarding.confirmed")))


def test_submitting_a_proposal_with_personal_data_needs_a_reason(world):
    proposal = file_proposal(world, body=f"The family of Ahmad (tel. {PHONE}) needs a lawyer.")
    with pytest.raises(PersonalDataSuspected) as caught:
        svc.transition_proposal(world.representative, proposal, "submit")
    assert list(caught.value.findings) == ["body"]
    db.session.rollback()
    assert proposal.state == ProposalState.DRAFT and _confirmations() == []
    svc.transition_proposal(world.representative, proposal, "submit",
                            safeguarding_reason="The NGO's own office line")
    db.session.commit()
    assert proposal.state == ProposalState.SUBMITTED
    (entry,) = _confirmations()
    assert entry.actor_id == world.representative.id and entry.target_id == proposal.id
    assert entry.details["step"] == "proposal.submit" and entry.details["reason"] == "The NGO's own office line"
    assert entry.details["kinds"] == {"phone": 1}
    assert PHONE not in repr(entry.details) + entry.summary  # the audit log does not copy the data


def test_a_clean_proposal_submits_without_a_confirmation(world):
    proposal_in(world, "submitted")
    assert _confirmations() == []


def test_edits_after_submission_are_checked_and_drafts_are_not(world):
    draft = file_proposal(world)
    svc.update_proposal(world.representative, draft, {"summary": f"Call {PHONE}"})  # a draft is private
    proposal = proposal_in(world, "submitted")
    with pytest.raises(PersonalDataSuspected):
        svc.update_proposal(world.representative, proposal, {"summary": "Born 12/03/1990, from Aleppo."})
    db.session.rollback()
    svc.update_proposal(world.representative, proposal, {"summary": "Born 12/03/1990, from Aleppo."},
                        safeguarding_reason="Agreed with the person, anonymous otherwise")
    assert [e.details["step"] for e in _confirmations()] == ["proposal.update"]


def test_comments_are_checked(world):
    proposal = proposal_in(world, "submitted")
    with pytest.raises(PersonalDataSuspected):
        svc.add_comment(world.cochair, proposal, "Her case no. 55123/2024 is stuck.")
    db.session.rollback()
    svc.add_comment(world.cochair, proposal, "Her case no. 55123/2024 is stuck.", safeguarding_reason="Public case")
    assert [e.details["step"] for e in _confirmations()] == ["proposal.comment"]


def test_circulating_and_publishing_minutes_are_checked(world):
    minutes = minutes_svc.create_minutes(world.secretary, _held(world))
    section = minutes.sections[0]
    minutes_svc.save_minutes(world.secretary, minutes, {section.id: "Mr A. (AMKA 01019012345) asked for help."},
                             minutes.version)
    db.session.commit()
    deadline = utcnow() + timedelta(days=7)
    with pytest.raises(PersonalDataSuspected) as caught:
        minutes_svc.transition_minutes(world.cochair, minutes, "circulate", comments_deadline=deadline)
    assert list(caught.value.findings) == [f"section-{section.id}"]
    db.session.rollback()
    minutes_svc.transition_minutes(world.cochair, minutes, "circulate", comments_deadline=deadline,
                                   safeguarding_reason="Will be removed before approval")
    minutes_svc.transition_minutes(world.cochair, minutes, "approve", approved_how="cochairs")
    db.session.commit()
    with pytest.raises(PersonalDataSuspected):
        minutes_svc.transition_minutes(world.cochair, minutes, "publish")
    db.session.rollback()
    minutes_svc.transition_minutes(world.cochair, minutes, "publish", safeguarding_reason="Masked for the public")
    assert minutes.state == MinutesState.PUBLISHED
    assert [e.details["step"] for e in _confirmations()] == ["minutes.circulate", "minutes.publish"]


def test_minutes_comments_are_checked(world):
    minutes = _circulated(world)
    db.session.commit()
    with pytest.raises(PersonalDataSuspected):
        minutes_svc.comment(world.representative, minutes, "Contact her at 6941234567.")
    db.session.rollback()
    minutes_svc.comment(world.representative, minutes, "Contact her at 6941234567.",
                        safeguarding_reason="It is our office mobile")
    assert [e.details["step"] for e in _confirmations()] == ["minutes.comment"]
