"""The decisions register: the SQL visibility filter agrees with the policy for every role and state of the
minutes; search (case-insensitive, wildcards literal, hostile text harmless), year and meeting filters,
newest first, paging, and the agenda item each decision belongs to."""
from __future__ import annotations

from datetime import datetime, timedelta, timezone
from zoneinfo import ZoneInfo

import pytest
from sqlalchemy import select

from committees import decisions as register
from committees import policy
from committees.db import db, utcnow
from committees.errors import ValidationFailed
from committees.models import CommitteeRoleKind, GlobalRole, Meeting, MeetingState
from committees.models.bodies import Committee
from committees.models.minutes import Minutes, MinutesState
from committees.services import agendas, meetings
from committees.services import minutes as svc
from tests import factories as f
from tests.conftest import ROLES

STATES = [s.value for s in MinutesState]
ATHENS = ZoneInfo("Europe/Athens")


def _held(committee, chair, start: datetime, title: str = "Regular meeting") -> Meeting:
    meeting = meetings.create_meeting(chair, committee, title=title, venue="City Hall", format="in_person",
                                      starts_at=start, ends_at=start + timedelta(hours=2))
    agendas.add_item(chair, meeting, title="Legal aid referrals")
    meeting.state = MeetingState.HELD
    db.session.flush()
    return meeting


def _minutes(committee, chair, state: str, start: datetime | None = None, texts=("Write to the ministry",),
             title: str = "Regular meeting") -> Minutes:
    start = start or (datetime.now() - timedelta(days=3)).replace(hour=10, minute=0, second=0, microsecond=0)
    minutes = svc.create_minutes(chair, _held(committee, chair, start, title))
    for text in texts:
        svc.add_decision(chair, minutes, text, section=minutes.sections[0])
    f.advance_minutes(chair, minutes, state)
    return minutes


def _visible_ids(user) -> set[int]:
    stmt = (select(Minutes.id).join(Meeting, Meeting.id == Minutes.meeting_id)
            .join(Committee, Committee.id == Meeting.committee_id).where(register.visible_minutes(user)))
    return set(db.session.scalars(stmt))


def test_visibility_filter_agrees_with_the_policy_for_every_role_and_state(world):
    closed = f.make_committee("Closed public committee", slug="closed", public=True, active=False)
    f.give_role(world.observer, closed, CommitteeRoleKind.SECRETARY)
    f.give_role(world.non_member, closed, CommitteeRoleKind.OBSERVER)
    f.give_role(world.secretary, world.other_committee, CommitteeRoleKind.REPRESENTATIVE)
    chairs = {world.committee.id: world.cochair, world.other_committee.id: world.coordinator,
              closed.id: world.coordinator}
    every = [_minutes(c, chairs[c.id], state) for c in (world.committee, world.other_committee, closed)
             for state in STATES]
    gone = f.make_person("gone@example.org", role=GlobalRole.COORDINATOR)
    gone.active = False
    lapsed = f.make_person("lapsed@example.org", org=world.ngo)
    f.give_role(lapsed, world.committee, CommitteeRoleKind.COCHAIR)
    lapsed.active = False
    db.session.commit()
    users = {role: world.person(role) for role in ROLES} | {"other_rep": world.other_rep, "alternate": world.alternate,
                                                            "inactive coordinator": gone, "inactive co-chair": lapsed}
    seen = set()
    for name, person in users.items():
        if person is not None:
            db.session.refresh(person)
            policy.forget_roles(person)
        expected = {m.id for m in every if policy.can(person, "minutes.view", m)}
        assert _visible_ids(person) == expected, name
        seen.add(frozenset(expected))
    assert len(seen) >= 6  # the roles really see different things
    assert _visible_ids(None) == {m.id for m in every if m.state == MinutesState.PUBLISHED
                                  and m.committee_id == world.committee.id}


def _register(user, committee, **wanted):
    rows, pager = register.page_decisions(user, committee, register.DecisionFilter(**wanted), 1, 50)
    return rows, pager


def test_register_lists_visible_decisions_newest_first_with_their_agenda_item(world):
    old = _minutes(world.committee, world.cochair, "published", datetime(2025, 3, 10, 10),
                   texts=("Ask the asylum service for monthly figures", "Set up a referral working group"))
    new = _minutes(world.committee, world.cochair, "circulated", datetime(2026, 2, 9, 10),
                   texts=("Hire two more interpreters",))
    draft = _minutes(world.committee, world.cochair, "draft", datetime(2026, 3, 2, 10), texts=("Secret draft",))
    svc.add_decision(world.cochair, new, "Meet monthly", section=new.sections[-1])
    svc.add_decision(world.cochair, new, "Thank the hosts")
    db.session.commit()

    rows, pager = _register(world.representative, world.committee)
    assert [r.decision.text for r in rows] == ["Thank the hosts", "Meet monthly", "Hire two more interpreters",
                                               "Set up a referral working group",
                                               "Ask the asylum service for monthly figures"]
    assert pager.total == 5
    assert [r.item_title for r in rows[:3]] == ["", "Any other business", "Legal aid referrals"]
    assert rows[2].agenda_item_id == new.meeting.items[0].id and rows[1].agenda_item_id is None
    assert rows[0].meeting.id == new.meeting_id and not rows[0].final and rows[-1].final
    assert rows[-1].decision.number == "2025/03-1"

    public_rows, _ = _register(None, world.committee)
    assert {r.decision.minutes_id for r in public_rows} == {old.id}
    cochair_rows, _ = _register(world.cochair, world.committee)
    assert draft.id in {r.decision.minutes_id for r in cochair_rows}
    assert _register(world.non_member, world.committee)[1].total == 2  # published only
    assert _register(world.representative, world.other_committee)[1].total == 0


def test_register_pages_and_counts(world):
    for n in range(7):
        _minutes(world.committee, world.cochair, "circulated", datetime(2025, 1 + n, 5, 10), texts=(f"Decision {n}",))
    db.session.commit()
    wanted = register.DecisionFilter()
    first, pager = register.page_decisions(world.cochair, world.committee, wanted, 1, 3)
    third, _ = register.page_decisions(world.cochair, world.committee, wanted, 3, 3)
    assert pager.total == 7 and pager.pages == 3
    assert [r.decision.text for r in first] == ["Decision 6", "Decision 5", "Decision 4"]
    assert [r.decision.text for r in third] == ["Decision 0"]
    everything = register.all_decisions(world.cochair, world.committee, wanted)
    assert [r.decision.text for r in everything] == [f"Decision {n}" for n in range(6, -1, -1)]


def test_register_search_is_case_insensitive_over_text_and_number(world):
    _minutes(world.committee, world.cochair, "circulated", datetime(2025, 5, 5, 10),
             texts=("Write to the MINISTRY about permits", "Discount of 100% for families", "Use the form_b template",
                    "Nothing special here"))
    db.session.commit()

    def found(q):
        return [r.decision.text for r in _register(world.cochair, world.committee, q=q)[0]]

    assert found("ministry") == ["Write to the MINISTRY about permits"]
    assert found("  Ministry ") == ["Write to the MINISTRY about permits"]
    assert found("100%") == ["Discount of 100% for families"]
    assert found("%") == ["Discount of 100% for families"]  # a literal percent sign, not a wildcard
    assert found("_") == ["Use the form_b template"]
    assert found("for_") == []  # as a wildcard it would match "form_b" and "for families"
    assert found("2025/05-4") == ["Nothing special here"]
    assert len(found("2025/05")) == 4
    for hostile in ("'", '"', "\\", "\\%", "'; DROP TABLE decision; --", "' OR 1=1 --", "%' OR '1'='1",
                    "\x00ministry", "ministry\x00", "😀", "[a-z]*", "*"):
        assert isinstance(found(hostile), list), hostile
    assert found("\x00ministry") == ["Write to the MINISTRY about permits"]
    with pytest.raises(ValidationFailed):
        _register(world.cochair, world.committee, q="x" * (register.MAX_QUERY + 1))
    assert len(found("x" * register.MAX_QUERY)) == 0


def test_register_filters_by_year_in_the_readers_zone_and_by_meeting(world):
    # 31 Dec 2025, 23:30 UTC is already 2026 in Athens.
    late = _minutes(world.committee, world.cochair, "circulated",
                    datetime(2025, 12, 31, 23, 30, tzinfo=timezone.utc).astimezone(ATHENS).replace(tzinfo=None),
                    texts=("New year decision",))
    mid = _minutes(world.committee, world.cochair, "circulated", datetime(2025, 6, 1, 10), texts=("Summer decision",))
    db.session.commit()
    utc_rows = register.page_decisions(world.cochair, world.committee, register.DecisionFilter(year=2025), 1, 10)[0]
    athens = register.page_decisions(world.cochair, world.committee, register.DecisionFilter(year=2025), 1, 10,
                                     ATHENS)[0]
    assert {r.decision.text for r in athens} == {"Summer decision"}
    assert {r.decision.text for r in utc_rows} == {"Summer decision", "New year decision"}
    assert [r.decision.text for r in _register(world.cochair, world.committee, meeting_id=late.meeting_id)[0]] \
        == ["New year decision"]
    assert _register(world.cochair, world.committee, meeting_id=10**9)[1].total == 0
    assert _register(world.cochair, world.committee, year=2031)[1].total == 0
    with pytest.raises(ValidationFailed):
        _register(world.cochair, world.committee, year=0)
    listed = register.decision_meetings(world.cochair, world.committee)
    assert [m.id for m in listed] == [late.meeting_id, mid.meeting_id]
    assert register.years_of(listed, ATHENS) == [2026, 2025]
    assert register.years_of(listed) == [2025]


def test_register_leaves_out_deleted_meetings_and_other_committees(world):
    kept = _minutes(world.committee, world.cochair, "published", texts=("Kept",))
    gone = _minutes(world.committee, world.cochair, "published", texts=("Deleted meeting",))
    _minutes(world.other_committee, world.coordinator, "published", texts=("Elsewhere",))
    gone.meeting.deleted_at = utcnow()
    db.session.commit()
    rows, pager = _register(world.coordinator, world.committee)
    assert [r.decision.text for r in rows] == ["Kept"] and pager.total == 1
    assert [m.id for m in register.decision_meetings(world.coordinator, world.committee)] == [kept.meeting_id]


def test_like_pattern_escapes_wildcards():
    assert register.like_pattern("50%_a\\b") == "%50\\%\\_a\\\\b%"
    assert register.clean_query("  a\x00b  ") == "ab"
