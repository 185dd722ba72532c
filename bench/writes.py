"""The load test with writes (issue 8, "Load"): 100 signed-in people for 60 seconds against gunicorn, each mixing
reads with writes they may make (RSVPs, comments on proposals, progress updates on action items, edits of their
organisation's proposals). Zero errors are expected, and afterwards every acknowledged write (a redirect after the
POST) must be in the database: the test counts them.

Each action item and each edited proposal belongs to one client only, so that the optimistic locks never refuse a
write here (conflicts are tested in the suite, not measured). RSVPs go to meetings of the person's committees; the
last acknowledged answer of each (person, meeting) must be the stored one.

    python -m bench --db postgresql --parts writes     # after the generate part

Scaling out (issue 9): the `scaleout` part runs the same load against two gunicorn instances on different ports,
sharing one PostgreSQL and one Redis (REDIS_URL: rate limits; login sessions are rows in the database). Each person
signs in on one instance and then works on the other, so a session, its CSRF token and every write must hold across
servers; the result must again be zero errors and every acknowledged write stored.
"""
from __future__ import annotations

import asyncio
import contextlib
import random
import re
import time
from dataclasses import dataclass, field
from urllib.parse import urlencode

from sqlalchemy import func, select

from bench.data import BENCH_PASSWORD
from bench.http import CSRF_RE, Connection, Gunicorn, Sample, Session, compile_bytecode, server_env, summary

COMMENT = "Load test comment"
UPDATE = "Load test update"
EDIT = "load test edit"
RESPONSES = ("attending", "not_attending", "maybe")
FORM = {"Content-Type": "application/x-www-form-urlencoded"}


def _acknowledged(status: int) -> bool:
    return status == 302  # the redirect after a successful POST; a refused form is 4xx (or a 200 page)


def _read(status: int) -> bool:
    return status == 200


VERSION_RE = re.compile(r'name="version" (?:type="hidden" )?value="(\d+)"|value="(\d+)" name="version"')


@dataclass
class Plan:
    """What one client may do: its account, pages to read, and the objects it writes to."""

    email: str
    reads: list[str] = field(default_factory=list)
    meetings: list[int] = field(default_factory=list)  # RSVPs
    comment_on: list[int] = field(default_factory=list)  # proposals
    actions: list[int] = field(default_factory=list)  # owned by this client alone
    edits: dict[int, dict] = field(default_factory=dict)  # proposal id -> its texts (this client alone)


@dataclass
class Acknowledged:
    comments: int = 0
    updates: int = 0
    edits: int = 0
    rsvps: dict[tuple[str, int], str] = field(default_factory=dict)  # (email, meeting) -> last answer
    by_kind: dict[str, int] = field(default_factory=dict)


def plan(app, clients: int = 100, seed: int = 7) -> list[Plan]:
    """Pick `clients` representatives (every generated person shares the benchmark password) and what each may
    write, asking the policy as the pages do."""
    from committees import policy
    from committees.db import db, utcnow
    from committees.models import (ActionItem, CommitteeRole, CommitteeRoleKind, Meeting, MeetingState, Person,
                                   Proposal)
    from committees.models.proposals import EDITABLE_STATES

    rng = random.Random(seed)
    with app.app_context():
        reps = list(db.session.scalars(
            select(Person).join(CommitteeRole, CommitteeRole.person_id == Person.id)
            .where(CommitteeRole.role == CommitteeRoleKind.REPRESENTATIVE, Person.active.is_(True))
            .distinct().order_by(Person.id)))
        rng.shuffle(reps)
        now = utcnow()
        taken_actions: set[int] = set()
        taken_proposals: set[int] = set()
        plans: list[Plan] = []
        for person in reps:
            if len(plans) >= clients:
                break
            committee_ids = sorted({r.committee_id for r in person.committee_roles})
            p = Plan(email=person.email, reads=["/", "/my/actions", f"/people/{person.id}", "/committees"])
            meetings = db.session.scalars(select(Meeting).where(
                Meeting.committee_id.in_(committee_ids), Meeting.state == MeetingState.SCHEDULED,
                Meeting.deleted_at.is_(None), Meeting.starts_at > now).order_by(Meeting.starts_at).limit(5))
            p.meetings = [m.id for m in meetings if policy.can(person, "meeting.respond", m)]
            p.reads += [f"/meetings/{m}" for m in p.meetings[:2]]
            proposals = list(db.session.scalars(select(Proposal).where(
                Proposal.committee_id.in_(committee_ids), Proposal.submitted_at.is_not(None),
                Proposal.deleted_at.is_(None)).order_by(Proposal.id.desc()).limit(30)))
            p.comment_on = [x.id for x in proposals if policy.can(person, "proposal.comment", x)][:5]
            p.reads += [f"/proposals/{x}" for x in p.comment_on[:2]]
            for proposal in proposals:
                if (proposal.id not in taken_proposals and proposal.state in EDITABLE_STATES
                        and policy.can(person, "proposal.edit", proposal) and len(p.edits) < 2):
                    taken_proposals.add(proposal.id)
                    p.edits[proposal.id] = {k: getattr(proposal, k) or "" for k in (
                        "title", "summary", "body", "target_group", "expected_impact", "timeframe")} | {
                        "budget_eur": "" if proposal.budget_eur is None else f"{proposal.budget_eur:.2f}",
                        "language": proposal.language or ""}
            items = db.session.scalars(select(ActionItem).where(
                ActionItem.committee_id.in_(committee_ids), ActionItem.id.not_in(taken_actions or {0}))
                .order_by(ActionItem.id).limit(20))
            for item in items:
                if len(p.actions) < 2 and policy.can(person, "action.update", item):
                    p.actions.append(item.id)
                    taken_actions.add(item.id)
            if p.meetings or p.comment_on or p.actions or p.edits:
                plans.append(p)
        db.session.remove()
    return plans


async def _sign_in(port: int, email: str) -> tuple[Session, str]:
    conn, session = Connection("127.0.0.1", port), Session()
    _status, headers, body = await conn.request("GET", "/login")
    session.remember(headers)
    token = CSRF_RE.search(body.decode("utf-8")).group(1)
    form = urlencode({"email": email, "password": BENCH_PASSWORD, "csrf_token": token}).encode()
    status, headers, _body = await conn.request("POST", "/login", {**FORM, **session.header()}, form)
    if status != 302:
        raise RuntimeError(f"sign-in as {email} answered {status}")
    session.remember(headers)
    _status, headers, body = await conn.request("GET", "/", session.header())  # a token for this session
    session.remember(headers)
    await conn.close()
    return session, CSRF_RE.search(body.decode("utf-8")).group(1)


async def _load(ports: list[int], plans: list[Plan], seconds: float, write_share: float,
                seed: int) -> tuple[dict, dict]:
    """Client n signs in on ports[n % k] and sends its requests to ports[(n + 1) % k] (the same one when k is 1)."""
    signed = await asyncio.gather(*(_sign_in(ports[n % len(ports)], p.email) for n, p in enumerate(plans)))
    reads, writes = Sample(), Sample()
    ack = Acknowledged()
    deadline = time.perf_counter() + seconds

    async def client(n: int, p: Plan, session: Session, token: str) -> None:
        rng = random.Random(seed + n)
        conn = Connection("127.0.0.1", ports[(n + 1) % len(ports)])
        counter = 0
        kinds = [k for k, objs in (("rsvp", p.meetings), ("comment", p.comment_on), ("update", p.actions),
                                   ("edit", p.edits)) if objs]
        while time.perf_counter() < deadline:
            counter += 1
            write = kinds and rng.random() < write_share
            started = time.perf_counter()
            kind, url, body, remember = "read", rng.choice(p.reads), None, None
            if write:
                kind = rng.choice(kinds)
                if kind == "rsvp":
                    meeting, answer = rng.choice(p.meetings), rng.choice(RESPONSES)
                    url, body = f"/meetings/{meeting}/rsvp", {"response": answer, "interpretation": ""}
                    remember = ((p.email, meeting), answer)
                elif kind == "comment":
                    url = f"/proposals/{rng.choice(p.comment_on)}/comments"
                    body = {"comment-body": f"{COMMENT} {n}-{counter}: agreed, with a remark on the timing."}
                elif kind == "update":
                    url, body = f"/actions/{rng.choice(p.actions)}/updates", {
                        "note": f"{UPDATE} {n}-{counter}: on track.", "new_status": "", "reason": ""}
                else:
                    proposal = rng.choice(sorted(p.edits))
                    status, _h, page = await conn.request("GET", f"/proposals/{proposal}/edit", session.header())
                    found = VERSION_RE.search(page.decode("utf-8")) if status == 200 else None
                    if found is None:
                        writes.failed(f"edit page of {proposal}: HTTP {status}")
                        continue
                    texts = dict(p.edits[proposal])
                    texts["summary"] = f"{texts['summary'][:440]} ({EDIT} {n}-{counter})"
                    url, body = f"/proposals/{proposal}/edit", {
                        **texts, "version": found.group(1) or found.group(2), "note": f"{EDIT} {n}-{counter}"}
            try:
                if body is None:
                    status, headers, data = await conn.request("GET", url, session.header())
                else:
                    form = urlencode({**body, "csrf_token": token}).encode()
                    status, headers, data = await conn.request("POST", url, {**FORM, **session.header()}, form)
            except Exception as exc:  # a failed request is a result
                (writes if write else reads).failed(f"{url}: {exc!r}")
                await conn.close()
                continue
            sample = writes if write else reads
            sample.latencies.append((time.perf_counter() - started) * 1000)
            sample.statuses[status] = sample.statuses.get(status, 0) + 1
            sample.bytes += len(data)
            ok = (_acknowledged if write else _read)(status)
            if not ok and len(sample.errors) < 20:
                sample.errors.append(f"{'POST' if write else 'GET'} {url}: HTTP {status}")
            if write and ok:
                ack.by_kind[kind] = ack.by_kind.get(kind, 0) + 1
                if kind == "comment":
                    ack.comments += 1
                elif kind == "update":
                    ack.updates += 1
                elif kind == "edit":
                    ack.edits += 1
                elif remember:
                    ack.rsvps[remember[0]] = remember[1]
        await conn.close()

    await asyncio.gather(*(client(n, p, s, t) for n, (p, (s, t)) in enumerate(zip(plans, signed))))
    return {"reads": summary(reads, seconds, _read), "writes": summary(writes, seconds, _acknowledged)}, ack


def verify(app, ack: Acknowledged) -> dict:
    """Every acknowledged write in the database: counts of comments, updates and versions, and each RSVP's last
    acknowledged answer."""
    from committees.db import db
    from committees.models import ActionUpdate, Invitation, Person, ProposalComment, ProposalVersion

    with app.app_context():
        stored = {
            "comments": db.session.scalar(select(func.count()).select_from(ProposalComment)
                                          .where(ProposalComment.body.like(f"{COMMENT}%"))),
            "updates": db.session.scalar(select(func.count()).select_from(ActionUpdate)
                                         .where(ActionUpdate.note.like(f"{UPDATE}%"))),
            "edits": db.session.scalar(select(func.count()).select_from(ProposalVersion)
                                       .where(ProposalVersion.note.like(f"{EDIT}%"))),
        }
        ids = dict(db.session.execute(select(Person.email, Person.id).where(
            Person.email.in_({email for email, _m in ack.rsvps}))).all())
        wrong = []
        for (email, meeting), answer in ack.rsvps.items():
            row = db.session.scalars(select(Invitation).where(Invitation.person_id == ids.get(email),
                                                              Invitation.meeting_id == meeting)).first()
            if row is None or row.response is None or row.response.value != answer:
                wrong.append(f"{email} @ {meeting}: acknowledged {answer}, stored "
                             f"{row.response.value if row and row.response else None}")
        db.session.remove()
    acknowledged = {"comments": ack.comments, "updates": ack.updates, "edits": ack.edits}
    return {"acknowledged": acknowledged | {"rsvps": len(ack.rsvps)}, "stored": stored,
            "missing": {k: acknowledged[k] - stored[k] for k in acknowledged if stored[k] < acknowledged[k]},
            "rsvp_mismatches": wrong[:20], "all_there": all(stored[k] >= acknowledged[k] for k in acknowledged)
            and not wrong}


def _clean(app) -> None:
    """Remove an earlier run's writes, so the counts are this run's."""
    from committees.db import db
    from committees.models import ActionUpdate, ProposalComment, ProposalVersion

    with app.app_context():
        for model, column, prefix in ((ProposalComment, ProposalComment.body, COMMENT),
                                      (ActionUpdate, ActionUpdate.note, UPDATE),
                                      (ProposalVersion, ProposalVersion.note, EDIT)):
            db.session.query(model).filter(column.like(f"{prefix}%")).delete(synchronize_session=False)
        db.session.commit()
        db.session.remove()


def run(app, database_url: str, *, clients: int = 100, seconds: float = 60, write_share: float = 0.3,
        workers: int = 2, threads: int = 4, seed: int = 7, servers: int = 1, redis_url: str | None = None,
        log=print) -> dict:
    """The load with writes against `servers` gunicorn instances (sharing the database, and Redis at `redis_url`
    when given)."""
    _clean(app)
    plans = plan(app, clients, seed)
    log(f"  {len(plans)} clients: {sum(len(p.meetings) for p in plans)} meetings to answer, "
        f"{sum(len(p.comment_on) for p in plans)} proposals to comment on, {sum(len(p.actions) for p in plans)} "
        f"action items, {sum(len(p.edits) for p in plans)} proposals to edit")
    env = server_env(database_url)  # one SECRET_KEY for every instance, as in a real deployment
    if redis_url:
        env["REDIS_URL"] = redis_url
    compile_bytecode()
    with contextlib.ExitStack() as stack:
        instances = [stack.enter_context(Gunicorn("wsgi:app", workers, threads, env)) for _ in range(servers)]
        ports = [server.port for server in instances]
        log(f"  {len(plans)} clients, {write_share:.0%} writes, for {seconds:.0f} s against port(s) "
            f"{', '.join(map(str, ports))} ...")
        load, ack = asyncio.run(_load(ports, plans, seconds, write_share, seed))
    checked = verify(app, ack)
    result = {"settings": {"clients": len(plans), "seconds": seconds, "write_share": write_share, "workers": workers,
                           "threads": threads, "servers": servers, "redis": bool(redis_url)},
              **load, "writes_by_kind": ack.by_kind, "check": checked,
              "errors": load["reads"]["errors"] + load["writes"]["errors"]}
    log(f"  reads {load['reads']['rps']}/s, writes {load['writes']['rps']}/s (p95 {load['writes']['p95_ms']} ms), "
        f"errors {result['errors']}, every acknowledged write stored: {checked['all_there']}")
    return result
