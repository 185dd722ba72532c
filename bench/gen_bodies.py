"""Committees, organisations, people, memberships and committee roles of the benchmark's data set.

A network of cities: each city has the six ACCMR committees (Athens first, with the demo's names and mandates) and
its own organisations; an organisation joins one to three committees of its city. Every active member organisation
has a primary representative (and often an alternate), every committee an NGO and a municipal co-chair, a secretary
and observers. The benchmark's sign-in accounts (data.account_email) are people in those roles.
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import timedelta

from faker import Faker

from bench.data import ACCOUNT_ROLES, ACCOUNTS_PER_ROLE, Data, account_email
from committees.demo import content as demo
from committees.demo.plan import latin
from committees.models import CommitteeRoleKind, GlobalRole, MembershipStatus, OrganisationType

CITIES = ["Athens", "Thessaloniki", "Patras", "Ioannina", "Heraklion", "Larissa", "Volos", "Tripoli", "Chania",
          "Kalamata", "Piraeus", "Trikala", "Lesvos", "Karditsa", "Livadeia", "Chalandri", "Nea Filadelfeia",
          "Neapoli-Sykies", "Kalamaria", "Rhodes"]
OT = OrganisationType
TYPE_WEIGHTS = [(OT.NGO, 45), (OT.INTERNATIONAL, 8), (OT.MUNICIPAL, 15), (OT.MIGRANT_LED, 17), (OT.ACADEMIC, 7),
                (OT.OTHER, 8)]
NAME_PATTERNS = {
    OT.NGO: ["{surname} Foundation for Refugee Support", "{hood} Legal Aid Collective", "Bridges to Work {hood}",
             "{surname} Centre for Asylum Advice", "Open Doors {hood}", "{hood} Women's Solidarity Network",
             "{surname} Education Initiative", "Health for All {hood}"],
    OT.INTERNATIONAL: ["International Relief Office {city} {n}", "Global Migration Programme – {city} {n}",
                       "Humanitarian Response Mission {city} {n}"],
    OT.MUNICIPAL: ["Municipality of {city} – Social Services {n} (fictional)",
                   "Municipality of {city} – Education Directorate {n} (fictional)",
                   "Municipality of {city} – Employment Office {n} (fictional)"],
    OT.MIGRANT_LED: ["{community} Community of {hood}", "{community} Women's Association {city}",
                     "{community} Youth Club {hood}"],
    OT.ACADEMIC: ["University of {city} – Migration Research Lab {n}", "{surname} Institute of Social Research"],
    OT.OTHER: ["{hood} Neighbourhood Association", "{surname} Cooperative Café", "{city} Sports for Inclusion"],
}
TITLES = demo.JOB_TITLES_EN


@dataclass
class Bodies:
    committees: list[dict] = field(default_factory=list)
    theme: dict[int, str] = field(default_factory=dict)  # committee id -> demo theme slug
    orgs: list[dict] = field(default_factory=list)
    staff: dict[int, list[dict]] = field(default_factory=dict)  # org id -> people
    members: dict[int, list[int]] = field(default_factory=dict)  # committee id -> active member org ids
    reps: dict[int, list[tuple[int, int]]] = field(default_factory=dict)  # committee -> [(person, org)]
    cochairs: dict[int, list[int]] = field(default_factory=dict)
    secretaries: dict[int, list[int]] = field(default_factory=dict)
    invitees: dict[int, list[tuple[int, int | None]]] = field(default_factory=dict)  # committee -> [(person, org)]
    coordinators: list[int] = field(default_factory=list)
    accounts: dict[str, list[str]] = field(default_factory=dict)  # role -> emails


def _slug(text: str) -> str:
    return re.sub(r"[^a-z0-9]+", "-", latin(text).lower()).strip("-")


class BodiesBuilder:
    def __init__(self, data: Data, password_hash: str) -> None:
        self.d = data
        self.rng = data.rng
        self.password_hash = password_hash
        Faker.seed(data.rng.randrange(10**6))
        self.en = Faker("en_GB")
        self.el = Faker("el_GR")
        self.out = Bodies()
        self.emails: set[str] = set()
        self.org_names: set[str] = set()

    def run(self) -> Bodies:
        self._committees()
        self._organisations()
        self._people()
        self._memberships_and_roles()
        self._accounts()
        return self.out

    # -- committees -------------------------------------------------------------------------------------------
    def _committees(self) -> None:
        start = self.d.now - timedelta(days=8 * 365)
        for n in range(self.d.counts.committees):
            slug, name, public, mandate = demo.COMMITTEES[n % len(demo.COMMITTEES)]
            city = CITIES[(n // len(demo.COMMITTEES)) % len(CITIES)]
            round_ = n // (len(demo.COMMITTEES) * len(CITIES))
            suffix = "" if n < len(demo.COMMITTEES) else f" – {city}" + (f" {round_ + 1}" if round_ else "")
            row = self.d.add("committee", slug=_slug(f"{slug}{suffix}") or f"committee-{n}", name=f"{name}{suffix}",
                             mandate=mandate, mandate_html=self.d.html(mandate), is_public=public or n % 3 == 0,
                             active=True, quorum_organisations=None, created_at=start)
            row["city"] = n // len(demo.COMMITTEES)
            self.out.committees.append(row)
            self.out.theme[row["id"]] = slug

    @property
    def cities(self) -> int:
        return max(1, -(-self.d.counts.committees // len(demo.COMMITTEES)))

    # -- organisations ----------------------------------------------------------------------------------------
    def _org_name(self, type_: OrganisationType, city: str, n: int) -> str:
        for attempt in range(20):
            pattern = self.rng.choice(NAME_PATTERNS[type_])
            name = pattern.format(surname=self.en.last_name(), hood=self.rng.choice(demo.NEIGHBOURHOODS)[0],
                                  city=city, community=self.rng.choice(demo.COMMUNITIES), n=n)
            if attempt > 5:
                name = f"{name} {n}"
            if name not in self.org_names:
                self.org_names.add(name)
                return name
        raise RuntimeError("could not make a unique organisation name")

    def _organisations(self) -> None:
        types = [t for t, w in TYPE_WEIGHTS for _ in range(w)]
        secretariat = self.d.add("organisation", name=demo.SECRETARIAT[0], short_name=demo.SECRETARIAT[1],
                                 type=OT.MUNICIPAL, description="The network's secretariat (fictional).",
                                 website="https://secretariat.example.org", email="info@secretariat.example.org",
                                 phone="", address="Athens", active=True, created_at=self.d.now - timedelta(days=3000))
        secretariat["city"] = 0
        self.out.orgs.append(secretariat)
        for n in range(1, self.d.counts.organisations):
            city = (n - 1) % self.cities
            # Every city has NGOs and municipal bodies (the co-chairs come from them).
            type_ = OT.NGO if n <= 2 * self.cities and (n - 1) // self.cities == 0 else \
                OT.MUNICIPAL if n <= 2 * self.cities else self.rng.choice(types)
            name = self._org_name(type_, CITIES[city % len(CITIES)], n)
            short = "".join(w[0] for w in re.findall(r"[A-Za-z]+", name) if w[0].isupper())[:8]
            slug = _slug(name)[:40].strip("-")
            row = self.d.add("organisation", name=name, short_name=short, type=type_,
                             description=f"Fictional {type_.title.lower()} generated for the benchmark.",
                             website=f"https://{slug}.example.org", email=f"info.{n}@example.com",
                             phone=f"+30 210 {n:07d}"[:50], address=f"{self.rng.randint(1, 200)} Main Street, "
                             f"{CITIES[city % len(CITIES)]}", active=self.rng.random() > 0.02,
                             created_at=self.d.now - timedelta(days=self.rng.randint(200, 3000)))
            row["city"] = city
            self.out.orgs.append(row)

    # -- people -----------------------------------------------------------------------------------------------
    def _email(self, name: str) -> str:
        words = [w for w in re.split(r"[^a-z]+", latin(name).lower()) if w]
        local = ".".join(words[-2:]) or "person"
        email, n = f"{local}@example.org", 2
        while email in self.emails:
            email, n = f"{local}{n}@example.org", n + 1
        self.emails.add(email)
        return email

    def _person(self, org: dict | None, role: GlobalRole = GlobalRole.NONE, primary: bool = False) -> dict:
        greek = self.rng.random() < 0.4
        name = latin(self.el.name()) if greek else self.en.name()
        language = "el" if greek and self.rng.random() < 0.6 else ("ar" if self.rng.random() < 0.03 else "en")
        created = self.d.now - timedelta(days=self.rng.randint(30, 2500))
        row = self.d.add("person", email=self._email(name), full_name=name, organisation_id=org["id"] if org else None,
                         job_title=self.rng.choice(TITLES), phone="", language=language, timezone="",
                         password_hash=self.password_hash, active=True, global_role=role,
                         is_primary_contact=primary, last_login_at=self.d.between(created, self.d.now),
                         created_at=created, anonymised_at=None)
        if org is not None:
            self.out.staff.setdefault(org["id"], []).append(row)
        return row

    def _people(self) -> None:
        secretariat = self.out.orgs[0]
        specials = max(2 * ACCOUNTS_PER_ROLE, round(self.d.counts.people * 0.01))
        for n in range(specials):
            role = GlobalRole.ADMIN if n < ACCOUNTS_PER_ROLE else GlobalRole.COORDINATOR
            self.out.coordinators.append(self._person(secretariat, role)["id"])
        orgs = self.out.orgs[1:]
        for n in range(self.d.counts.people - specials):
            org = orgs[n % len(orgs)]  # about three people per organisation
            self._person(org, primary=n < len(orgs))

    # -- memberships and roles --------------------------------------------------------------------------------
    def _memberships_and_roles(self) -> None:
        by_city: dict[int, list[dict]] = {}
        for org in self.out.orgs[1:]:
            by_city.setdefault(org["city"], []).append(org)
        for committee in self.out.committees:
            city_orgs = by_city.get(committee["city"] % self.cities) or self.out.orgs[1:]
            size = min(len(city_orgs), max(4, round(len(city_orgs) * 0.25)))
            anchors = []  # an NGO and a municipal body: the co-chairs come from them
            for type_ in (OT.NGO, OT.MUNICIPAL):
                candidates = [o for o in city_orgs if o["type"] == type_ and o["active"]]
                if candidates:
                    anchors.append(self.rng.choice(candidates))
            chosen = anchors + [o for o in self.rng.sample(city_orgs, size) if o not in anchors]
            self._committee_members(committee, chosen)

    def _committee_members(self, committee: dict, orgs: list[dict]) -> None:
        cid, now, rng = committee["id"], self.d.now, self.rng
        active: list[dict] = []
        for n, org in enumerate(orgs):
            joined = (now - timedelta(days=rng.randint(60, 2800))).date()
            roll = rng.random() if n >= 2 and org["active"] else 0.0
            status = MembershipStatus.ACTIVE if roll < 0.88 else MembershipStatus.REQUESTED if roll < 0.92 else \
                MembershipStatus.SUSPENDED if roll < 0.95 else MembershipStatus.LEFT
            staff = self.out.staff.get(org["id"], [])
            row = self.d.add("membership", committee_id=cid, organisation_id=org["id"], status=status,
                             joined_on=None if status == MembershipStatus.REQUESTED else joined,
                             left_on=joined + timedelta(days=300) if status == MembershipStatus.LEFT else None,
                             note="We would like to join the committee." if status == MembershipStatus.REQUESTED
                             else "", requested_by_id=staff[0]["id"] if staff and status == MembershipStatus.REQUESTED
                             else None, created_at=self.d.local(joined, 9))
            if status == MembershipStatus.ACTIVE and staff:
                active.append(org)
                primary = staff[rng.randrange(len(staff))]
                self._role(cid, primary["id"], CommitteeRoleKind.REPRESENTATIVE, row["id"], True)
                self.out.reps.setdefault(cid, []).append((primary["id"], org["id"]))
                others = [p for p in staff if p is not primary]
                if others and rng.random() < 0.55:
                    alternate = rng.choice(others)
                    self._role(cid, alternate["id"], CommitteeRoleKind.REPRESENTATIVE, row["id"], False)
                    self.out.reps[cid].append((alternate["id"], org["id"]))
        self.out.members[cid] = [o["id"] for o in active]
        ngo = next((o for o in active if o["type"] == OT.NGO), active[0] if active else None)
        municipal = next((o for o in active if o["type"] == OT.MUNICIPAL), None)
        for org in (ngo, municipal):
            if org is not None:
                person = self.out.staff[org["id"]][-1]
                self._role(cid, person["id"], CommitteeRoleKind.COCHAIR)
                self.out.cochairs.setdefault(cid, []).append(person["id"])
        if municipal is not None and len(self.out.staff[municipal["id"]]) > 1:
            secretary = self.out.staff[municipal["id"]][0]
        else:
            secretary = self.d.rows["person"][self.out.coordinators[-1] - 1]
        self._role(cid, secretary["id"], CommitteeRoleKind.SECRETARY)
        self.out.secretaries[cid] = [secretary["id"]]
        outsiders = [o for o in self.out.orgs[1:] if o["id"] not in self.out.members[cid]
                     and o["type"] in (OT.ACADEMIC, OT.INTERNATIONAL) and self.out.staff.get(o["id"])]
        for org in rng.sample(outsiders, min(2, len(outsiders))):
            self._role(cid, self.out.staff[org["id"]][0]["id"], CommitteeRoleKind.OBSERVER)
        seen: dict[int, int | None] = {}
        for row in self.d.rows["committee_role"]:
            if row["committee_id"] == cid:
                person = self.d.rows["person"][row["person_id"] - 1]
                seen.setdefault(row["person_id"], person["organisation_id"])
        self.out.invitees[cid] = sorted(seen.items())

    def _role(self, committee_id: int, person_id: int, role: CommitteeRoleKind, membership_id: int | None = None,
              primary: bool = False) -> None:
        for row in self.d.rows["committee_role"][-8:]:
            if (row["committee_id"], row["person_id"], row["role"]) == (committee_id, person_id, role):
                return
        self.d.add("committee_role", committee_id=committee_id, person_id=person_id, role=role, is_primary=primary,
                   membership_id=membership_id, created_at=self.d.now - timedelta(days=self.rng.randint(30, 900)))

    # -- the benchmark's sign-in accounts ---------------------------------------------------------------------
    def _accounts(self) -> None:
        people = self.d.rows["person"]
        taken: set[int] = set()
        roles_of: dict[tuple[int, CommitteeRoleKind], list[int]] = {}
        for row in self.d.rows["committee_role"]:
            roles_of.setdefault((row["committee_id"], row["role"]), []).append(row["person_id"])
        anyone_with_role = {row["person_id"] for row in self.d.rows["committee_role"]}
        kinds = {"cochair": CommitteeRoleKind.COCHAIR, "secretary": CommitteeRoleKind.SECRETARY,
                 "rep": CommitteeRoleKind.REPRESENTATIVE, "observer": CommitteeRoleKind.OBSERVER}
        admins = [p for p in self.out.coordinators if people[p - 1]["global_role"] == GlobalRole.ADMIN]
        coordinators = [p for p in self.out.coordinators if people[p - 1]["global_role"] == GlobalRole.COORDINATOR]
        for role in ACCOUNT_ROLES:
            chosen: list[int] = []
            if role == "admin":
                chosen = admins[:ACCOUNTS_PER_ROLE]
            elif role == "coordinator":
                chosen = coordinators[:ACCOUNTS_PER_ROLE]
            elif role == "member":
                chosen = [p["id"] for p in people if p["id"] not in anyone_with_role and p["organisation_id"]
                          and p["global_role"] == GlobalRole.NONE][:ACCOUNTS_PER_ROLE]
            else:
                for committee in self.out.committees:
                    for person_id in roles_of.get((committee["id"], kinds[role]), []):
                        if person_id not in taken | set(chosen) | set(self.out.coordinators):
                            chosen.append(person_id)
                            break
                    if len(chosen) == ACCOUNTS_PER_ROLE:
                        break
            self.out.accounts[role] = []
            for n, person_id in enumerate(chosen, start=1):
                taken.add(person_id)
                person = people[person_id - 1]
                person["email"] = account_email(role, n)
                person["language"] = "en"
                self.out.accounts[role].append(person["email"])
