"""Personal data on the web: "Download my data" on the profile, "Export data" and "Anonymise…" on a
coordinator's person page; the confirmation form; what the records show afterwards."""
from __future__ import annotations

import json

from sqlalchemy import func, select

from committees.db import db
from committees.models import ActionItem, AuditEntry, Meeting, MinutesComment, Person
from tests.domain.test_personal_data import rich_life

REASON = "Left the organisation; asked to be forgotten."


def audits(action: str) -> int:
    return db.session.scalar(select(func.count()).select_from(AuditEntry).where(AuditEntry.action == action))


def test_download_my_data_from_the_profile(world, login_as):
    rich_life(world)
    client = login_as(world.representative)
    page = client.get("/profile").get_data(as_text=True)
    assert 'href="/profile/data"' in page and "Download my data" in page
    response = client.get("/profile/data")
    assert response.status_code == 200 and response.mimetype == "application/json"
    assert response.headers["Content-Disposition"].startswith('attachment; filename="personal-data-')
    assert response.headers["Cache-Control"] == "no-store"
    data = json.loads(response.get_data(as_text=True))
    assert data["person"]["email"] == "rep@example.org"
    assert [c["body"] for c in data["records"]["minutes_comment"]] == ["A comment by Rita on paragraph two"]
    text = response.get_data(as_text=True)
    assert world.representative.password_hash not in text and "other.rep@example.org" not in text
    assert audits("person.export_data") == 1


def test_coordinators_export_a_persons_data_from_the_admin_page(world, login_as):
    rich_life(world)
    rep = world.representative
    coordinator = login_as(world.coordinator)
    page = coordinator.get(f"/admin/people/{rep.id}").get_data(as_text=True)
    assert f'href="/people/{rep.id}/data"' in page and f'href="/people/{rep.id}/anonymise"' in page
    response = coordinator.get(f"/people/{rep.id}/data")
    assert response.status_code == 200
    assert json.loads(response.get_data(as_text=True))["person"]["id"] == rep.id
    assert login_as(world.other_rep).get(f"/people/{rep.id}/data").status_code == 403
    assert login_as(world.cochair).get(f"/people/{rep.id}/data").status_code == 403


def test_anonymise_confirmation_mistakes_are_400_with_the_input_kept(world, login_as):
    rep = world.representative
    coordinator = login_as(world.coordinator)
    form = coordinator.get(f"/people/{rep.id}/anonymise").get_data(as_text=True)
    assert "This cannot be undone." in form and "Former member of Solidarity Now Athens" in form
    wrong = coordinator.post_form(f"/people/{rep.id}/anonymise", {"confirm_email": "rita@example.org",
                                                                   "reason": REASON})
    assert wrong.status_code == 400
    body = wrong.get_data(as_text=True)
    assert "Type this person&#39;s email address exactly to confirm." in body
    assert 'value="rita@example.org"' in body and REASON in body
    missing = coordinator.post_form(f"/people/{rep.id}/anonymise", {"confirm_email": rep.email, "reason": ""})
    assert missing.status_code == 400 and "Give a reason" in missing.get_data(as_text=True)
    db.session.expire_all()
    assert db.session.get(Person, rep.id).full_name == "Rita Rep"
    assert audits("person.anonymise") == 0


def test_anonymise_keeps_the_records_and_shows_the_placeholder(world, login_as):
    life = rich_life(world)
    rep = world.representative
    old_session = login_as(rep)
    assert old_session.get("/profile").status_code == 200
    counts = {m: db.session.scalar(select(func.count()).select_from(m)) for m in (Meeting, MinutesComment, ActionItem)}
    coordinator = login_as(world.coordinator)
    done = coordinator.post_form(f"/people/{rep.id}/anonymise", {"confirm_email": rep.email, "reason": REASON})
    assert done.status_code == 302 and done.headers["Location"].endswith(f"/admin/people/{rep.id}")
    assert "Former member of Solidarity Now Athens" in coordinator.get(done.headers["Location"]).get_data(as_text=True)
    db.session.expire_all()
    assert {m: db.session.scalar(select(func.count()).select_from(m)) for m in counts} == counts
    # The records they took part in stay, under the placeholder name.
    minutes_page = coordinator.get(f"/meetings/{life['meeting'].id}/minutes").get_data(as_text=True)
    assert "A comment by Rita on paragraph two" in minutes_page
    assert "Former member of Solidarity Now Athens" in minutes_page and "Rita Rep" not in minutes_page
    action_page = coordinator.get(f"/actions/{life['item'].id}").get_data(as_text=True)
    assert "Rita drafts the leaflet" in action_page and "Former member of Solidarity Now Athens" in action_page
    assert "Rita Rep" not in coordinator.get(f"/people/{rep.id}").get_data(as_text=True)
    # Their old session cookie is anonymous now.
    response = old_session.get("/profile")
    assert response.status_code == 302 and "/login" in response.headers["Location"]
    assert audits("person.anonymise") == 1
    # Done once: the page says so, and a second attempt is refused with a message.
    again = coordinator.get(f"/people/{rep.id}/anonymise").get_data(as_text=True)
    assert "This person was anonymised on" in again
    refused = coordinator.post_form(f"/people/{rep.id}/anonymise", {"confirm_email": "x", "reason": REASON})
    assert refused.status_code == 409 and "anonymised already" in refused.get_data(as_text=True)
    # The admin page shows no edit form and no reactivation; posting anyway is refused, nothing changes.
    admin_page = coordinator.get(f"/admin/people/{rep.id}").get_data(as_text=True)
    assert "cannot be changed or reactivated" in admin_page and "Reactivate the account" not in admin_page
    assert 'name="full_name"' not in admin_page
    edit = coordinator.post_form(f"/admin/people/{rep.id}", {"full_name": "Rita Rep", "email": "rita@example.org"})
    assert edit.status_code == 409
    assert coordinator.post_form(f"/admin/people/{rep.id}/reactivate", {}).status_code == 409
    db.session.expire_all()
    person = db.session.get(Person, rep.id)
    assert person.full_name == "Former member of Solidarity Now Athens" and not person.active


def test_nobody_anonymises_themselves_nor_the_last_admin(world, login_as):
    admin = login_as(world.admin)
    assert admin.get(f"/people/{world.admin.id}/anonymise").status_code == 403
    response = admin.post_form(f"/people/{world.admin.id}/anonymise",
                               {"confirm_email": world.admin.email, "reason": REASON})
    assert response.status_code == 403
    coordinator = login_as(world.coordinator)
    assert coordinator.get(f"/people/{world.coordinator.id}/anonymise").status_code == 403
    assert coordinator.get(f"/people/{world.admin.id}/anonymise").status_code == 403
    db.session.expire_all()
    assert db.session.get(Person, world.admin.id).anonymised_at is None
