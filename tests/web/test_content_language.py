"""User content carries a language tag (issue 7): minutes and proposals record what their text is written in, so
the page marks it with lang/dir for screen readers even when the interface is in another language."""
from __future__ import annotations

import pytest

from committees.db import db
from committees.errors import ValidationFailed
from committees.languages import clean_language, default_language, direction
from committees.models import AuditEntry
from committees.services import minutes as svc
from committees.services import proposals as proposal_svc
from portal.templating import content_lang
from tests.web.test_minutes import started


def test_known_codes_directions_and_refusals():
    assert clean_language(" EL ") == "el" and clean_language("") is None and clean_language(None) is None
    assert direction("ar") == "rtl" and direction("el") == "ltr" and direction(None) == "auto"
    for bad in ("xx", "el-GR\" onmouseover=x", "<script>", "e" * 500):
        with pytest.raises(ValidationFailed):
            clean_language(bad)
    assert str(content_lang("fa")) == ' lang="fa" dir="rtl"' and str(content_lang("x\"y")) == ""


def test_new_minutes_take_the_writers_language_and_the_editor_changes_it(world, login_as):
    world.coordinator.language = "el"
    minutes = started(world)
    assert minutes.language == "el" == default_language(world.coordinator)
    section = minutes.sections[0]
    chair = login_as(world.cochair)
    edit = chair.get(f"/meetings/{minutes.meeting_id}/minutes/edit").get_data(as_text=True)
    assert 'name="language"' in edit and '<option selected value="el">Ελληνικά</option>' in edit
    response = chair.post_form(f"/meetings/{minutes.meeting_id}/minutes/edit",
                               {"version": str(minutes.version), f"section_{section.id}": "Η συζήτηση.",
                                "language": "el"})
    assert response.status_code == 302
    page = chair.get(f"/meetings/{minutes.meeting_id}/minutes").get_data(as_text=True)
    assert '<div class="minutes-discussion" lang="el" dir="ltr">' in page
    db.session.refresh(minutes)
    response = chair.post_form(f"/meetings/{minutes.meeting_id}/minutes/edit",
                               {"version": str(minutes.version), f"section_{section.id}": "Η συζήτηση.",
                                "language": "ar"})
    assert response.status_code == 302
    db.session.refresh(minutes)
    assert minutes.language == "ar"
    entry = db.session.scalars(db.select(AuditEntry).where(AuditEntry.action == "minutes.save")
                               .order_by(AuditEntry.id.desc())).first()
    assert entry is not None and entry.details.get("language") == "ar"
    assert 'lang="ar" dir="rtl"' in chair.get(f"/meetings/{minutes.meeting_id}/minutes").get_data(as_text=True)


def test_an_unknown_language_is_a_form_error_with_the_text_kept(world, login_as):
    minutes = started(world)
    section = minutes.sections[0]
    response = login_as(world.cochair).post_form(
        f"/meetings/{minutes.meeting_id}/minutes/edit",
        {"version": str(minutes.version), f"section_{section.id}": "Kept text", "language": "klingon"})
    assert response.status_code == 400
    html = response.get_data(as_text=True)
    assert "Choose a language from the list." in html and "Kept text" in html
    db.session.refresh(minutes)
    assert minutes.sections[0].discussion == ""


def test_proposals_record_their_language(world):
    world.representative.language = "ar"
    proposal = proposal_svc.create_proposal(world.representative, world.committee, title="Interpreters")
    assert proposal.language == "ar"
    proposal_svc.update_proposal(world.representative, proposal, {"language": "en"})
    assert proposal.language == "en"
    with pytest.raises(ValidationFailed):
        proposal_svc.update_proposal(world.representative, proposal, {"language": "zz"})
    db.session.rollback()


def test_saving_only_the_language_is_a_change(world):
    minutes = started(world)
    version = minutes.version
    assert svc.save_minutes(world.cochair, minutes, {}, version, language="fr") == []
    db.session.commit()
    assert minutes.language == "fr" and minutes.version == version + 1


def test_any_other_business_is_shown_in_the_readers_language(world, login_as):
    world.cochair.language = "el"
    db.session.commit()
    minutes = started(world)
    chair = login_as(world.cochair)
    page = chair.get(f"/meetings/{minutes.meeting_id}/minutes").get_data(as_text=True)
    assert "Διάφορα θέματα" in page and "Any other business" not in page
    editor = chair.get(f"/meetings/{minutes.meeting_id}/minutes/edit").get_data(as_text=True)
    assert "Διάφορα θέματα" in editor
    assert minutes.sections[-1].title == "Any other business"  # stored as written; translated when shown
