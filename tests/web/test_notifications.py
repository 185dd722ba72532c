"""Mail settings on /profile/notifications: saved per kind, strict about values, and honoured by notify()."""
from __future__ import annotations

import re
from datetime import timedelta

from sqlalchemy import select

from committees.db import db, utcnow
from committees.models import OutboxMessage
from committees.models.notifications import DeliveryMode, DigestEntry, NotificationKind, NotificationPreference
from committees.services import agendas, meetings
from committees.services.notify import delivery_mode

ALL_IMMEDIATE = {kind.value: DeliveryMode.IMMEDIATE.value for kind in NotificationKind}
RADIO_RE = re.compile(r'<input ([^>]*type="radio"[^>]*)>')


def radios(page: str) -> tuple[set[tuple[str, str]], dict[str, str]]:
    """Every (name, value) radio on the page, and the checked value per name."""
    options, checked = set(), {}
    for attrs in RADIO_RE.findall(page):
        name = re.search(r'name="([^"]+)"', attrs).group(1)
        value = re.search(r'value="([^"]+)"', attrs).group(1)
        options.add((name, value))
        if re.search(r"(^|\s)checked(\s|$|=)", attrs):
            checked[name] = value
    return options, checked


def settings(person) -> dict[str, str]:
    db.session.expire_all()
    return {kind.value: delivery_mode(person, kind).value for kind in NotificationKind}


def test_notifications_page_needs_sign_in(client, world):
    response = client.get("/profile/notifications")
    assert response.status_code == 302 and "/login" in response.headers["Location"]
    response = client.post("/profile/notifications", data=dict(ALL_IMMEDIATE, agendas="off"))
    assert response.status_code in (302, 400)
    assert db.session.scalar(select(NotificationPreference.id)) is None


def test_notifications_page_shows_a_radio_group_per_kind(login_as, world):
    page = login_as(world.representative).get("/profile/notifications").get_data(as_text=True)
    assert page.count("<fieldset") == len(NotificationKind) and page.count("<legend") == len(NotificationKind)
    options, checked = radios(page)
    assert options == {(kind.value, mode.value) for kind in NotificationKind for mode in DeliveryMode}
    assert checked == ALL_IMMEDIATE  # the default: everything at once
    assert "always reach you" in page
    assert 'href="/profile/notifications"' in login_as(world.representative).get("/profile").get_data(as_text=True)


def test_notifications_save_every_kind_in_one_post(login_as, world):
    client = login_as(world.representative)
    choice = dict(ALL_IMMEDIATE, agendas="digest", minutes="off", proposals="digest", meetings="off")
    response = client.post_form("/profile/notifications", choice)
    assert response.status_code == 302 and response.headers["Location"].endswith("/profile/notifications")
    assert settings(world.representative) == choice
    assert radios(client.get("/profile/notifications").get_data(as_text=True))[1] == choice
    # Changing again updates the rows rather than adding new ones.
    client.post_form("/profile/notifications", ALL_IMMEDIATE)
    assert settings(world.representative) == ALL_IMMEDIATE
    rows = db.session.scalars(select(NotificationPreference)
                              .where(NotificationPreference.person_id == world.representative.id)).all()
    assert len(rows) == len(NotificationKind)
    assert settings(world.alternate) == ALL_IMMEDIATE  # nobody else's settings move


def test_notifications_refuse_unknown_modes_and_keep_input(login_as, world):
    client = login_as(world.representative)
    response = client.post_form("/profile/notifications", dict(ALL_IMMEDIATE, minutes="digest", agendas="hourly"))
    assert response.status_code == 400
    page = response.get_data(as_text=True)
    assert 'id="agendas-error"' in page
    assert radios(page)[1]["minutes"] == "digest"  # the rest of the input is kept
    assert db.session.scalar(select(NotificationPreference.id)) is None


def test_notifications_missing_kind_is_refused(login_as, world):
    client = login_as(world.representative)
    data = dict(ALL_IMMEDIATE)
    del data["actions"]
    assert client.post_form("/profile/notifications", data).status_code == 400
    assert db.session.scalar(select(NotificationPreference.id)) is None


def test_notifications_ignore_unknown_kinds_and_other_people(login_as, world):
    client = login_as(world.representative)
    data = dict(ALL_IMMEDIATE, agendas="digest", newsletters="off", person_id=str(world.alternate.id),
                role="admin", is_admin="1")
    assert client.post_form("/profile/notifications", data).status_code == 302
    kinds = set(db.session.scalars(select(NotificationPreference.kind)))
    assert kinds == set(NotificationKind)
    people = set(db.session.scalars(select(NotificationPreference.person_id)))
    assert people == {world.representative.id}
    assert settings(world.alternate) == ALL_IMMEDIATE


def test_notifications_post_without_csrf_is_refused(login_as, world):
    client = login_as(world.representative)
    response = client.post("/profile/notifications", data=dict(ALL_IMMEDIATE, agendas="off"))
    assert response.status_code == 400
    assert db.session.scalar(select(NotificationPreference.id)) is None


def test_notifications_get_changes_nothing(login_as, world):
    client = login_as(world.representative)
    client.get("/profile/notifications?agendas=off")
    assert db.session.scalar(select(NotificationPreference.id)) is None


def _scheduled_meeting(world):
    start = (utcnow() + timedelta(days=10)).replace(microsecond=0)
    meeting = meetings.create_meeting(world.cochair, world.committee, title="Monthly meeting", venue="City Hall",
                                      starts_at=start, ends_at=start + timedelta(hours=2))
    meetings.schedule_meeting(world.cochair, meeting)
    agendas.add_item(world.cochair, meeting, title="Legal aid referrals", minutes_allotted=20)
    db.session.commit()
    return meeting


def test_notifications_digest_holds_agenda_mail_back(login_as, world):
    client = login_as(world.representative)
    client.post_form("/profile/notifications", dict(ALL_IMMEDIATE, agendas="digest"))
    meeting = _scheduled_meeting(world)
    invitations = db.session.scalars(select(OutboxMessage).where(OutboxMessage.kind == "meeting_invitation",
                                                                 OutboxMessage.to_address == "rep@example.org"))
    assert len(invitations.all()) == 1  # meeting invitations are not held back
    agendas.publish_agenda(world.cochair, meeting)
    db.session.commit()
    held = db.session.scalars(select(DigestEntry).where(DigestEntry.person_id == world.representative.id)).all()
    assert [(e.kind, e.sent_at) for e in held] == [(NotificationKind.AGENDAS, None)]
    mailed = set(db.session.scalars(select(OutboxMessage.to_address)
                                    .where(OutboxMessage.kind == "agenda_published")))
    assert "rep@example.org" not in mailed and "alt@example.org" in mailed


def test_notifications_off_for_meetings_still_sends_invitations(login_as, world):
    client = login_as(world.representative)
    client.post_form("/profile/notifications", dict(ALL_IMMEDIATE, meetings="off", agendas="off"))
    meeting = _scheduled_meeting(world)
    agendas.publish_agenda(world.cochair, meeting)
    meetings.cancel_meeting(world.cochair, meeting, "Venue closed")
    db.session.commit()
    kinds = set(db.session.scalars(select(OutboxMessage.kind).where(OutboxMessage.to_address == "rep@example.org")))
    assert kinds == {"meeting_invitation", "meeting_cancelled"}
    assert db.session.scalar(select(DigestEntry.id)) is None
