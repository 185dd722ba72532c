"""The search (committees/search.py) on this run's database (SQLite FTS5 or PostgreSQL): Greek without accents or
case, English stems, highlighted passages escaped, an index that follows every change, ranking, filters, pages,
constant queries, and hostile queries that find nothing instead of failing. Who sees what:
tests/domain/test_search_visibility.py."""
from __future__ import annotations

from datetime import datetime, timedelta, timezone
from zoneinfo import ZoneInfo

import pytest
from sqlalchemy import delete, func, select, text

from committees.db import db
from committees.errors import ValidationFailed
from committees.models import ActionItem, SearchEntry, SearchKind
from committees.search import reindex, search, years
from committees.search_index import BUILDERS, rebuild_all
from committees.search_text import (
    START,
    STOP,
    Segment,
    marked_spans,
    normalise,
    passage,
    query_terms,
    to_html,
)
from committees.services import actions, agendas, bodies, meetings, people, personal_data
from committees.services import minutes as minutes_svc
from committees.services import proposals as proposal_svc
from tests import factories as f
from tests.domain.test_decisions import _minutes
from tests.domain.test_migrations import empty_database_url  # noqa: F401 - a fixture
from tests.domain.test_proposals import FULL, advance, file_proposal
from tests.queries import count_queries

K = SearchKind
UTC = timezone.utc


def found(user, query, **kw) -> list[tuple[SearchKind, int]]:
    return [(h.kind, h.object_id) for h in search(user, query, per_page=50, **kw).hits]


def titles(user, query, **kw) -> list[str]:
    return [h.title for h in search(user, query, per_page=50, **kw).hits]


def entries() -> set[tuple]:
    return set(db.session.execute(select(SearchEntry.kind, SearchEntry.object_id, SearchEntry.committee_id,
                                         SearchEntry.meeting_id, SearchEntry.dated_at, SearchEntry.title,
                                         SearchEntry.body, SearchEntry.norm_title, SearchEntry.norm_body)))


# -- text --------------------------------------------------------------------------------------------------------

def test_normalising_drops_accents_and_case_in_every_script():
    assert normalise("Αθήνα") == normalise("ΑΘΗΝΑ") == normalise("αθηνα") == "αθηνα"
    assert normalise("Παπαδόπουλος") == normalise("ΠΑΠΑΔΟΠΟΥΛΟΣ") == "παπαδοπουλοσ"  # final sigma
    assert normalise("Ϊ ΰ ΐ") == "ι υ ι"
    assert normalise("Crème Brûlée STRASSE Straße ﬁne") == "creme brulee strasse strasse fine"
    assert normalise("a\x02b\x03c\x00") == "a b c "


def test_query_terms_keep_only_words():
    assert query_terms('"NEAR(αθήνα* ^proposal) norm_title:x OR -y"') == [
        "near", "αθηνα", "proposal", "norm", "title", "x", "or", "y"]
    assert query_terms("!!! --- ''' %%% ___") == []
    assert query_terms("a " * 100) == ["a"]
    assert len(query_terms(" ".join(f"w{i}" for i in range(50)))) == 12
    assert query_terms("x" * 500) == ["x" * 60]


def test_matches_found_in_the_normalised_text_map_back_onto_the_original():
    original = "Η ΑΘΗΝΑ και η Αθήνα — Straße"
    marked = f"η {START}αθηνα{STOP} και η {START}αθηνα{STOP}   {START}strasse{STOP}"  # the dash is a space
    spans = marked_spans(original, marked)
    assert [original[s:e] for s, e in spans] == ["ΑΘΗΝΑ", "Αθήνα", "Straße"]
    assert marked_spans(original, "something else") is None  # an out-of-date index highlights nothing


def test_passages_escape_first_then_mark():
    parts = passage("<script>x</script> & Αθήνα", [(21, 26)])
    assert to_html(parts) == "&lt;script&gt;x&lt;/script&gt; &amp; <mark>Αθήνα</mark>"
    assert to_html((Segment("<b>", True),)) == "<mark>&lt;b&gt;</mark>"
    text = "  Welcome\n\nLegal aid report\n We  talked  \n"
    marked = normalise(text).replace("legal aid", f"{START}legal{STOP} {START}aid{STOP}")
    assert to_html(passage(text, marked_spans(text, marked))) == "Welcome · <mark>Legal aid</mark> report · We talked"
    long = "word " * 100 + "Αθήνα " + "word " * 100
    start = long.index("Αθήνα")
    cut = passage(long, [(start, start + 5)], width=60)
    assert cut[0].text == "… " and cut[-1].text == " …" and any(p.match and p.text == "Αθήνα" for p in cut)
    assert len("".join(p.text for p in cut)) <= 70


# -- Greek and English, on this database ---------------------------------------------------------------------

def test_greek_is_found_without_accents_and_in_any_case(world):
    org = f.make_org("Δήμος Αθηναίων", description="Στέγαση προσφύγων στην Αθήνα")
    person = f.make_person(name="Νίκος ΠΑΠΑΔΌΠΟΥΛΟΣ", org=org)
    reader = world.representative
    for query in ("αθηνα", "ΑΘΗΝΑ", "Αθήνα", "αθήνα", "ΑΘΉΝΑ"):
        assert found(reader, query) == [(K.ORGANISATION, org.id)], query
    for query in ("παπαδοπουλος", "Παπαδόπουλος", "ΠΑΠΑΔΟΠΟΥΛΟΣ", "παπαδοπουλοσ"):
        assert found(reader, query) == [(K.PERSON, person.id)], query
    hit = search(reader, "ΣΤΕΓΑΣΗ αθηνα").hits[0]
    assert hit.snippet_html == "<mark>Στέγαση</mark> προσφύγων στην <mark>Αθήνα</mark>"  # the original text marked
    assert search(reader, "αθηναιων").hits[0].title_html == "Δήμος <mark>Αθηναίων</mark> (O" + org.short_name[1:] + ")"


def test_english_words_are_found_by_their_stem(world):
    proposal = file_proposal(world, title="Housing proposal for families",
                             summary="Apartments for refugees, running costs included.")
    rep = world.representative
    for query in ("proposals", "PROPOSAL", "houses", "apartment", "family", "run", "refugee"):
        assert found(rep, query) == [(K.PROPOSAL, proposal.id)], query
    hit = search(rep, "proposals families").hits[0]
    assert hit.title_html == "Housing <mark>proposal</mark> for <mark>families</mark>"
    assert found(rep, "proposal elephants") == []  # every word must match


def test_markup_in_the_text_is_escaped_in_titles_and_passages(world):
    org = f.make_org('<img src=x onerror=alert(1)> Tiger', description='"><svg onload=x> tiger & co')
    hit = search(world.coordinator, "tiger").hits[0]
    assert hit.kind == K.ORGANISATION and hit.object_id == org.id
    assert "<img" not in hit.title_html and "<svg" not in hit.snippet_html
    assert "&lt;img src=x onerror=alert(1)&gt; <mark>Tiger</mark>" in hit.title_html
    assert hit.snippet_html == "&#34;&gt;&lt;svg onload=x&gt; <mark>tiger</mark> &amp; co"


# -- the index follows every change -------------------------------------------------------------------------

def test_proposals_are_indexed_when_filed_edited_and_moved_on(world):
    proposal = file_proposal(world, title="Mobile legal clinic")
    assert found(world.representative, "clinic") == [(K.PROPOSAL, proposal.id)]
    assert found(world.cochair_municipal, "clinic") == []  # a draft: the author organisation's only
    proposal_svc.update_proposal(world.representative, proposal, {**FULL, "title": "Mobile legal caravan"})
    db.session.commit()
    assert found(world.representative, "clinic") == [] and found(world.representative, "caravan") != []
    advance(world, proposal, ["submit"])
    assert found(world.cochair_municipal, "caravan") == [(K.PROPOSAL, proposal.id)]
    assert found(None, "caravan") == []
    advance(world, proposal, ["start_review", "put_on_agenda", "endorse", "forward"])
    assert found(None, "caravan") == [(K.PROPOSAL, proposal.id)]  # forwarded by a public committee
    entry = db.session.scalar(select(SearchEntry).where(SearchEntry.kind == K.PROPOSAL))
    assert entry.committee_id == world.committee.id and entry.dated_at == proposal.submitted_at


def test_minutes_decisions_and_agenda_items_follow_their_changes(world):
    chair = world.cochair
    minutes = _minutes(world.committee, chair, "draft", texts=("Ask the ministry for interpreters",))
    meeting = minutes.meeting
    section = minutes.sections[0]
    decision = minutes.decisions[0]
    item = agendas.accepted_items(meeting)[0]
    assert set(found(chair, "interpreters")) == {(K.DECISION, decision.id)}
    minutes_svc.save_minutes(chair, minutes, {section.id: "We discussed **interpreters** at length."},
                             minutes.version)
    db.session.commit()
    assert set(found(chair, "interpreters")) == {(K.DECISION, decision.id), (K.MINUTES, minutes.id)}
    hit = next(h for h in search(chair, "interpreters").hits if h.kind == K.MINUTES)
    assert "We discussed <mark>interpreters</mark> at length" in hit.snippet_html  # the text, not the Markdown
    assert hit.link.endpoint == "minutes.show_minutes" and hit.link.values == {"meeting_id": meeting.id}
    assert set(found(chair, "referrals")) == {(K.AGENDA_ITEM, item.id), (K.DECISION, decision.id),
                                              (K.MINUTES, minutes.id)}  # the agenda item is the section's title
    meeting.title = "Extraordinary okapi meeting"
    db.session.commit()
    assert found(chair, "okapi") == [(K.MINUTES, minutes.id)]
    minutes_svc.remove_decision(chair, decision)
    db.session.commit()
    assert found(chair, "ministry") == []
    other = agendas.add_item(chair, coming_meeting(world), title="Winter shelters", description="Beds *needed*")
    db.session.commit()
    assert found(chair, "shelters") == [(K.AGENDA_ITEM, other.id)]
    hit = search(chair, "beds").hits[0]
    assert hit.snippet_html == "<mark>Beds</mark> needed" and hit.link.anchor == f"item-{other.id}"
    agendas.update_item(chair, other, {"title": "Summer shelters"})
    db.session.commit()
    assert titles(chair, "shelters") == ["Summer shelters"]
    agendas.remove_item(chair, other)
    db.session.commit()
    assert found(chair, "shelters") == []


def coming_meeting(world):
    start = datetime.now(UTC).replace(microsecond=0) + timedelta(days=10)
    meeting = meetings.create_meeting(world.cochair, world.committee, title="Monthly meeting", venue="City Hall",
                                      format="in_person", starts_at=start, ends_at=start + timedelta(hours=2))
    db.session.commit()
    return meeting


def test_a_deleted_meeting_takes_its_entries_along(world):
    minutes = _minutes(world.committee, world.cochair, "published", texts=("Hire a walrus expert",))
    assert {kind for kind, _ in found(world.coordinator, "referrals")} == {K.MINUTES, K.DECISION, K.AGENDA_ITEM}
    db.session.delete(minutes.meeting)
    db.session.commit()
    assert found(world.coordinator, "walrus") == found(world.coordinator, "referrals") == []
    for kind, (model, _build) in BUILDERS.items():  # no entry outlives its row (SQLite may keep orphan rows)
        assert db.session.scalar(select(func.count()).where(SearchEntry.kind == kind, SearchEntry.object_id.not_in(
            select(model.id)))) == 0, kind


def test_action_items_follow_their_changes(world):
    item = actions.create_action(world.cochair, world.committee, title="Print leaflets in Farsi",
                                 description="In **three** languages", owner_person_id=world.representative.id)
    db.session.commit()
    assert found(world.representative, "leaflet") == [(K.ACTION_ITEM, item.id)]
    assert found(world.non_member, "leaflet") == []
    actions.update_action(world.cochair, item, {"title": "Print posters in Farsi"}, expected_version=item.version)
    db.session.commit()
    assert found(world.observer, "leaflets") == [] and found(world.observer, "posters") == [(K.ACTION_ITEM, item.id)]
    assert search(world.observer, "languages").hits[0].snippet_html == "In three <mark>languages</mark>"
    db.session.delete(item)
    db.session.commit()
    assert found(world.coordinator, "posters") == []


def test_organisations_and_people_follow_their_changes(world):
    org = bodies.create_organisation(world.coordinator, name="Lighthouse Relief", type="ngo")
    person = people.create_person(world.coordinator, email="eleni@example.org", full_name="Eleni Georgiou",
                                  organisation=org, job_title="Caseworker", check_rules=False)
    db.session.commit()
    assert found(world.non_member, "lighthouse") == [(K.ORGANISATION, org.id), (K.PERSON, person.id)]
    bodies.update_organisation(world.coordinator, org, {"name": "Beacon Relief"})
    db.session.commit()
    assert found(world.non_member, "lighthouse") == []
    assert found(world.non_member, "beacon") == [(K.ORGANISATION, org.id), (K.PERSON, person.id)]
    people.update_person(person, person, {"full_name": "Eleni Papadaki", "job_title": "Lawyer"})
    db.session.commit()
    assert found(world.non_member, "georgiou") == [] and found(world.non_member, "lawyer") == [(K.PERSON, person.id)]
    personal_data.anonymise_person(world.coordinator, person, confirm_email="eleni@example.org",
                                   reason="Asked to be forgotten")
    db.session.commit()
    assert found(world.coordinator, "papadaki") == []  # the old name leaves the index
    assert found(world.non_member, "former") == []  # anonymised accounts are for coordinators only


def test_reindex_rebuilds_the_same_index(world):
    proposal = file_proposal(world)
    advance(world, proposal, ["submit"])
    _minutes(world.committee, world.cochair, "circulated", texts=("One", "Two"))
    actions.create_action(world.cochair, world.committee, title="Act", owner_organisation_id=world.ngo.id)
    db.session.commit()
    before = entries()
    db.session.execute(delete(SearchEntry))
    assert search(world.coordinator, "legal").total == 0
    counts = reindex()
    db.session.commit()
    assert entries() == before
    assert counts["proposal"] == 1 and counts["decision"] == 2 and counts["person"] == 10
    assert found(world.coordinator, "legal") != []


def test_the_demo_leaves_the_index_current(app):
    from committees.demo import load_demo

    load_demo(password="demo-password-for-tests")
    db.session.commit()
    incremental = entries()
    assert {kind for kind, *_ in incremental} >= set(SearchKind) - {K.PROPOSAL}  # (no demo proposals yet)
    rebuild_all(db.session.connection())
    assert entries() == incremental


def test_the_migration_creates_the_full_text_index(empty_database_url):  # noqa: F811
    from flask_migrate import upgrade

    from portal import create_app

    other = create_app("testing", SQLALCHEMY_DATABASE_URI=empty_database_url)
    with other.app_context():
        upgrade()
        org = bodies.create_organisation(None, name="Ωκεανός Αλληλεγγύης", type="ngo")
        db.session.commit()
        assert found(f.make_person(), "ωκεανος") == [(K.ORGANISATION, org.id)]
        db.session.remove()
        db.engine.dispose()


# -- ranking -------------------------------------------------------------------------------------------------------

def test_title_matches_come_first_then_the_most_relevant(world):
    mention = f.make_org("Harbour Trust", description="Works with the asylum service sometimes.")
    many = f.make_org("Port Union", description="Asylum, asylum and asylum: asylum appeals, asylum interviews.")
    titled = f.make_org("Asylum Help Desk", description="Legal aid.")
    assert found(world.coordinator, "asylum") == [(K.ORGANISATION, o.id) for o in (titled, many, mention)]
    assert [h.title_match for h in search(world.coordinator, "asylum").hits] == [True, False, False]
    both = f.make_org("Legal Asylum Centre", description="Legal aid")
    assert found(world.coordinator, "legal asylum")[0] == (K.ORGANISATION, both.id)


# -- filters, pages, queries ---------------------------------------------------------------------------------

def test_filters_by_kind_committee_and_year_and_counts_per_kind(world):
    athens = ZoneInfo("Europe/Athens")
    assert years(world.coordinator) == []  # nothing dated yet (organisations and people have no date)
    new_year = datetime(2025, 12, 31, 22, 30, tzinfo=UTC)  # 1 January 2026 in Athens
    for committee, at in ((world.committee, datetime(2025, 6, 1, tzinfo=UTC)), (world.other_committee, new_year)):
        db.session.add(ActionItem(committee=committee, title="Narwhal survey", created_at=at))
    f.make_org("Narwhal Society")
    db.session.commit()
    coord = world.coordinator
    results = search(coord, "narwhal")
    assert results.total == 3 and results.counts == {K.ACTION_ITEM: 2, K.ORGANISATION: 1}
    only = search(coord, "narwhal", kinds=["action_item"])
    assert only.total == 2 and {h.kind for h in only.hits} == {K.ACTION_ITEM} and only.counts == results.counts
    # the counts come with the page's rows; a page with none (no match of the kind asked for, or beyond the last)
    # still has them
    none_of_kind = search(coord, "narwhal", kinds=["proposal"])
    assert none_of_kind.hits == [] and none_of_kind.total == 0 and none_of_kind.counts == results.counts
    beyond = search(coord, "narwhal", page=5, per_page=2)
    assert beyond.hits == [] and beyond.total == 3 and beyond.counts == results.counts
    assert [h.committee_name for h in search(coord, "narwhal", committee=world.other_committee.id).hits] == [
        world.other_committee.name]
    assert [h.dated_at for h in search(coord, "narwhal", year=2026, zone=athens).hits] == [new_year]
    assert [h.dated_at for h in search(coord, "narwhal", year=2025, zone=UTC).hits] == [
        new_year, datetime(2025, 6, 1, tzinfo=UTC)]
    assert years(coord, athens) == [2026, 2025] and years(None, UTC) == [2025]
    with pytest.raises(ValidationFailed):
        search(coord, "narwhal", kinds=["meeting"])
    with pytest.raises(ValidationFailed):
        search(coord, "narwhal", year=0)


def test_pages_and_a_constant_number_of_queries(world):
    for n in range(7):
        db.session.add(ActionItem(committee=world.committee, title=f"Dolphin count {n}", description="dolphin " * n))
    db.session.commit()
    first = search(world.coordinator, "dolphin", per_page=3)
    assert first.total == 7 and first.pages == 3 and len(first.hits) == 3 and first.has_next
    last = search(world.coordinator, "dolphin", page=3, per_page=3)
    every = [h.object_id for p in (1, 2, 3) for h in search(world.coordinator, "dolphin", page=p, per_page=3).hits]
    assert len(set(every)) == 7 and len(last.hits) == 1
    assert search(world.coordinator, "dolphin", page=9, per_page=3).hits == []
    search(world.representative, "dolphin")  # the reader's roles, loaded once
    with count_queries() as few:
        search(world.representative, "dolphin", per_page=1)
    with count_queries() as more:
        search(world.representative, "dolphin", per_page=50)
    assert len(few) == len(more) <= 2  # the reader's scope, then the page with the counts
    with count_queries() as none:
        search(world.representative, "!!!")
    assert none == []


# -- hostile queries -----------------------------------------------------------------------------------------

HOSTILE = ['"', '""', "'", "NEAR(a b)", "a*", "*", "^a", "norm_title:a", "{norm_title}: x", "- a", "a OR b",
           "AND", "NOT", "a NEAR b", "(", ")", "\\", "%", "_", "%_%", "'; DROP TABLE search_entry; --",
           "1) OR 1=1 --", "x' || (SELECT 1) || '", "a & b | !c", "a:*", "<->", "\x00", "\x00asylum\x00", "\ufffd",
           "\udcff", "\u202eabc", "🙂", "   ", "", "ﷺ", "asylum\nOR\tx", "search_fts", "rank"]


@pytest.mark.parametrize("query", HOSTILE)
def test_hostile_queries_find_nothing_or_plain_words(world, query):
    f.make_org("Asylum Help Desk")
    results = search(world.coordinator, query)
    assert results.total == len(results.hits) <= 1
    assert db.session.scalar(select(SearchEntry.id).limit(1)) is not None  # nothing was dropped


def test_too_long_queries_are_refused_and_punctuation_finds_nothing(world):
    with pytest.raises(ValidationFailed) as error:
        search(world.coordinator, "a" * 10_000)
    assert error.value.field == "q"
    assert search(world.coordinator, "...!?").empty_query
    assert search(world.coordinator, "\x00asylum\x00").terms == ["asylum"]


def test_the_sqlite_index_really_is_fts5(app):
    if db.engine.dialect.name != "sqlite":
        pytest.skip("SQLite only")
    sql = db.session.scalar(text("SELECT sql FROM sqlite_master WHERE name = 'search_fts'"))
    assert "fts5" in sql and "porter unicode61 remove_diacritics 2" in sql


def test_dates_are_timezone_aware(world):
    db.session.add(ActionItem(committee=world.committee, title="Seal census",
                              created_at=datetime(2024, 1, 1, tzinfo=UTC)))
    db.session.commit()
    assert search(world.coordinator, "seal").hits[0].dated_at == datetime(2024, 1, 1, tzinfo=UTC)
