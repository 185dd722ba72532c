"""Who sees how minutes were drafted: the committee (members, coordinators) sees every version with who saved
it; the public reading published minutes sees only the versions from the approval on, without names."""
from __future__ import annotations

from committees.db import db
from committees.services import minutes as svc
from tests.web.test_minutes import circulated, started


def _published_with_history(world):
    minutes = started(world)
    section = minutes.sections[0]
    svc.save_minutes(world.secretary, minutes, {section.id: "Draft wording only the committee saw."}, None)
    db.session.commit()
    circulated(world, minutes)
    svc.transition_minutes(world.coordinator, minutes, "reopen")
    db.session.commit()
    svc.save_minutes(world.secretary, minutes, {section.id: "Agreed wording."}, None)
    db.session.commit()
    circulated(world, minutes)
    svc.transition_minutes(world.coordinator, minutes, "approve", approved_how="cochairs")
    db.session.commit()
    svc.correct_approved(world.secretary, minutes, {section.id: "Agreed wording, corrected."}, "Typo")
    svc.transition_minutes(world.coordinator, minutes, "publish")
    db.session.commit()
    return minutes


def test_the_public_sees_versions_from_the_approval_on_without_names(world, client, login_as):
    minutes = _published_with_history(world)
    numbers = [r.number for r in minutes.revisions]
    assert len(numbers) == 4  # circulated, circulated again, approved, corrected
    url = f"/meetings/{minutes.meeting_id}/minutes/versions"
    public = client.get(url).get_data(as_text=True)
    assert "Typo" in public and "Sam Secretary" not in public and "Cora Coordinator" not in public
    assert f'<option value="{numbers[0]}"' not in public and f'<option value="{numbers[2]}"' in public
    hidden = client.get(f"{url}/compare?a={numbers[0]}&b={numbers[3]}")
    assert hidden.status_code == 400 and "Draft wording" not in hidden.get_data(as_text=True)
    shown = client.get(f"{url}/compare?a={numbers[2]}&b={numbers[3]}")
    assert shown.status_code == 200 and "corrected" in shown.get_data(as_text=True)
    document = client.get(f"/meetings/{minutes.meeting_id}/minutes/document").get_data(as_text=True)
    assert "Typo" in document and "Sam Secretary" not in document and "Circulated for comments" not in document


def test_members_see_every_version_and_who_saved_it(world, login_as):
    minutes = _published_with_history(world)
    first, last = minutes.revisions[0].number, minutes.revisions[-1].number
    for person in (world.representative, world.coordinator):
        reader = login_as(person)
        page = reader.get(f"/meetings/{minutes.meeting_id}/minutes/versions").get_data(as_text=True)
        assert "Circulated for comments" in page and "Cora Coordinator" in page
        diff = reader.get(f"/meetings/{minutes.meeting_id}/minutes/versions/compare?a={first}&b={last}")
        assert diff.status_code == 200 and "Draft wording" in diff.get_data(as_text=True)
    outsider = login_as(world.non_member).get(f"/meetings/{minutes.meeting_id}/minutes/versions")
    assert "Circulated for comments" not in outsider.get_data(as_text=True)
