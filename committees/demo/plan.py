"""The demo as plain data, built deterministically (seeded) without touching the database."""
from __future__ import annotations

import random
import re
import unicodedata
from dataclasses import dataclass, field
from datetime import date, timedelta

from faker import Faker

from committees.demo import content as c
from committees.models import CommitteeRoleKind, GlobalRole, MembershipStatus, OrganisationType

SEED = 2017
EMAIL_DOMAINS = ("example.org", "example.com")
FIRST_DAY = date(2017, 6, 15)  # ACCMR was set up in June 2017


@dataclass
class OrgSpec:
    name: str
    short_name: str
    type: OrganisationType
    theme: str
    greek: bool
    description: str = ""
    website: str = ""
    email: str = ""
    address: str = ""


@dataclass
class PersonSpec:
    email: str
    full_name: str
    org: str | None
    job_title: str = ""
    language: str = "en"
    global_role: GlobalRole = GlobalRole.NONE
    is_primary_contact: bool = False


@dataclass
class MembershipSpec:
    committee: str  # slug
    org: str
    status: MembershipStatus
    joined_on: date
    changed_on: date | None = None
    requested_by: str | None = None  # email
    note: str = ""


@dataclass
class RoleSpec:
    committee: str
    person: str  # email
    role: CommitteeRoleKind
    is_primary: bool = False


@dataclass
class Plan:
    committees: list[tuple[str, str, bool, str]]
    organisations: list[OrgSpec] = field(default_factory=list)
    people: list[PersonSpec] = field(default_factory=list)
    memberships: list[MembershipSpec] = field(default_factory=list)
    roles: list[RoleSpec] = field(default_factory=list)
    logins: list[tuple[str, str]] = field(default_factory=list)


_GREEK_DIGRAPHS = {"ου": "ou", "Ου": "Ou", "ευ": "ev", "Ευ": "Ev", "αυ": "av", "Αυ": "Av", "μπ": "b", "Μπ": "B"}
_GREEK = dict(zip("αβγδεζηθικλμνξοπρσςτυφχψωΑΒΓΔΕΖΗΘΙΚΛΜΝΞΟΠΡΣΤΥΦΧΨΩ",
                  ["a", "v", "g", "d", "e", "z", "i", "th", "i", "k", "l", "m", "n", "x", "o", "p", "r", "s", "s",
                   "t", "y", "f", "ch", "ps", "o", "A", "V", "G", "D", "E", "Z", "I", "Th", "I", "K", "L", "M", "N",
                   "X", "O", "P", "R", "S", "T", "Y", "F", "Ch", "Ps", "O"]))


def latin(text: str) -> str:
    """A plain ASCII form of a (possibly Greek) name, for email addresses and slugs."""
    text = "".join(ch for ch in unicodedata.normalize("NFD", text) if not unicodedata.combining(ch))
    for digraph, value in _GREEK_DIGRAPHS.items():
        text = text.replace(digraph, value)
    text = "".join(_GREEK.get(ch, ch) for ch in text)
    return unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode("ascii")


def _slug(text: str) -> str:
    return re.sub(r"[^a-z0-9]+", "-", latin(text).lower()).strip("-")


def _initials(name: str) -> str:
    name = "".join(ch for ch in unicodedata.normalize("NFD", name) if not unicodedata.combining(ch))
    words = [w for w in re.split(r"[\s–\-,«»()']+", name) if w and w[0].isupper()]
    return "".join(w[0] for w in words)[:8].upper()


class _Builder:
    def __init__(self) -> None:
        Faker.seed(SEED)
        self.el = Faker("el_GR")
        self.en = Faker("en_GB")
        self.rng = random.Random(SEED)
        self.plan = Plan(committees=list(c.COMMITTEES))
        self.org_names: set[str] = set()
        self.emails: set[str] = set()
        self.staff: dict[str, list[PersonSpec]] = {}

    # -- organisations ------------------------------------------------------------------------
    def _add_org(self, name: str, type_: OrganisationType, theme: str, greek: bool, short: str = "") -> bool:
        if name in self.org_names or len(name) > 200:
            return False
        self.org_names.add(name)
        slug = _slug(name)[:40].strip("-")
        kind = type_.title.lower()
        description = (f"Fictional {kind} created for the Committee Portal demo.\n\n"
                       f"Φανταστικός οργανισμός για την επίδειξη της πύλης.")
        street = self.el.street_address() if greek or type_ == OrganisationType.MUNICIPAL else self.en.street_address()
        self.plan.organisations.append(OrgSpec(
            name=name, short_name=short or _initials(name), type=type_, theme=theme, greek=greek,
            description=description, website=f"https://{slug}.example.org",
            email=f"info.{slug}@example.com", address=f"{street}, Athens",
        ))
        return True

    def _fill(self, type_: OrganisationType, make) -> None:
        target = c.ORGANISATION_COUNTS[type_]
        made = 0
        while made < target:
            name, theme, greek = make()
            made += self._add_org(name, type_, theme, greek)

    def organisations(self) -> None:
        rng = self.rng

        def hood_names():
            return rng.choice(c.NEIGHBOURHOODS)

        def ngo():
            hood, hood_el = hood_names()
            if rng.random() < 0.35:
                pattern, theme = rng.choice(c.NGO_PATTERNS_EL)
                return pattern.format(surname=self.el.last_name_male(), hood_el=hood_el), theme, True
            pattern, theme = rng.choice(c.NGO_PATTERNS_EN)
            surname = latin(self.el.last_name_male()) if rng.random() < 0.5 else self.en.last_name()
            return pattern.format(surname=surname, hood=hood), theme, False

        internationals = iter(c.INTERNATIONAL_NAMES)

        def international():
            name, theme = next(internationals)
            return name, theme, False

        municipal_iter = iter(c.MUNICIPAL_UNITS)

        def municipal():
            (city, city_el), (unit, unit_el, theme) = next(municipal_iter)
            if rng.random() < 0.5:
                return f"Δήμος {city_el} – {unit_el} (demo)", theme, True
            return f"Municipality of {city} – {unit} (fictional demo)", theme, True

        def migrant_led():
            pattern, theme = rng.choice(c.MIGRANT_PATTERNS)
            return pattern.format(community=rng.choice(c.COMMUNITIES), hood=hood_names()[0]), theme, False

        def academic():
            pattern = rng.choice(c.ACADEMIC_PATTERNS)
            greek = "«" in pattern
            surname = self.el.last_name_male() if greek else latin(self.el.last_name_male())
            return pattern.format(surname=surname), rng.choice(c.THEMES), greek

        def other():
            pattern = rng.choice(c.OTHER_PATTERNS)
            hood, hood_el = hood_names()
            return (pattern.format(surname=self.en.last_name(), hood=hood, hood_el=hood_el), rng.choice(c.THEMES),
                    "{hood_el}" in pattern)

        self._add_org(c.SECRETARIAT[0], OrganisationType.MUNICIPAL, "", True, short=c.SECRETARIAT[1])
        for type_, make in ((OrganisationType.NGO, ngo), (OrganisationType.INTERNATIONAL, international),
                            (OrganisationType.MUNICIPAL, municipal), (OrganisationType.MIGRANT_LED, migrant_led),
                            (OrganisationType.ACADEMIC, academic), (OrganisationType.OTHER, other)):
            self._fill(type_, make)

    # -- people -------------------------------------------------------------------------------
    def _email(self, full_name: str) -> str:
        words = [w for w in re.split(r"[^a-z]+", latin(full_name).lower()) if w]
        local = ".".join(words[-2:]) if len(words) >= 2 else (words[0] if words else "person")
        domain = EMAIL_DOMAINS[len(self.emails) % 2]
        email, n = f"{local}@{domain}", 2
        while email in self.emails:
            email, n = f"{local}{n}@{domain}", n + 1
        self.emails.add(email)
        return email

    def _person(self, org: OrgSpec) -> PersonSpec:
        rng = self.rng
        if org.type == OrganisationType.MIGRANT_LED:
            name = f"{rng.choice(c.COMMUNITY_FIRST_NAMES)} {rng.choice(c.COMMUNITY_LAST_NAMES)}"
            language, title = rng.choice(("en", "en", "el")), rng.choice(c.JOB_TITLES_EN)
        elif org.greek or (org.type == OrganisationType.NGO and rng.random() < 0.5):
            female = rng.random() < 0.6
            if female:
                name = f"{self.el.first_name_female()} {self.el.last_name_female()}"
            else:
                name = f"{self.el.first_name_male()} {self.el.last_name_male()}"
            language = "el" if rng.random() < 0.85 else "en"
            masculine, feminine = rng.choice(c.JOB_TITLES_EL)
            title = feminine if female else masculine
            if language == "en":
                title = rng.choice(c.JOB_TITLES_EN)
        else:
            name = f"{self.en.first_name()} {self.en.last_name()}"
            language, title = "en", rng.choice(c.JOB_TITLES_EN)
        return PersonSpec(email=self._email(name), full_name=name, org=org.name, job_title=title, language=language)

    def people(self) -> None:
        for org in self.plan.organisations:
            if org.name == c.SECRETARIAT[0]:
                count = 2
            else:
                count = self.rng.randint(*c.STAFF_PER_TYPE[org.type])
            self.staff[org.name] = [self._person(org) for _ in range(count)]
            self.staff[org.name][0].is_primary_contact = True
        while sum(len(s) for s in self.staff.values()) < 320:
            org = self.rng.choice([o for o in self.plan.organisations if o.type == OrganisationType.NGO])
            self.staff[org.name].append(self._person(org))

    def demo_account(self, key: str, org: OrgSpec, role: GlobalRole = GlobalRole.NONE) -> PersonSpec:
        label, email, name, language = c.DEMO_ACCOUNTS[key]
        title = {"admin": "System administrator", "coordinator": "Συντονιστής Κέντρου",
                 "secretary": "Γραμματέας επιτροπών"}.get(key, "")
        spec = PersonSpec(email=email, full_name=name, org=org.name, job_title=title or self.rng.choice(
            c.JOB_TITLES_EN), language=language, global_role=role)
        self.staff[org.name].insert(0, spec)
        self.plan.logins.append((label, email))
        return spec

    # -- committees ---------------------------------------------------------------------------
    def _date(self, after: date, before: date = date(2025, 12, 31)) -> date:
        return after + timedelta(days=self.rng.randint(0, (before - after).days))

    def committees(self) -> None:
        rng = self.rng
        orgs = self.plan.organisations
        by_type = {t: [o for o in orgs if o.type == t and o.name != c.SECRETARIAT[0]] for t in OrganisationType}
        secretariat = orgs[0]
        self.demo_account("admin", secretariat, GlobalRole.ADMIN)
        self.demo_account("coordinator", secretariat, GlobalRole.COORDINATOR)
        secretary = self.demo_account("secretary", secretariat)
        civil_pool = by_type[OrganisationType.NGO] + by_type[OrganisationType.INTERNATIONAL]
        city = c.MUNICIPALITIES[0]
        municipal_pool = [o for o in by_type[OrganisationType.MUNICIPAL] if city[0] in o.name or city[1] in o.name]
        members_pool = (civil_pool + by_type[OrganisationType.MUNICIPAL] + by_type[OrganisationType.MIGRANT_LED]
                        + by_type[OrganisationType.OTHER])
        observer_pool = by_type[OrganisationType.ACADEMIC] + by_type[OrganisationType.OTHER]
        demo_rep_org = next(o for o in by_type[OrganisationType.NGO] if o.theme == "access-legal-rights")
        used_chairs = {demo_rep_org.name}
        rep = self.demo_account("rep", demo_rep_org)
        observer_org = by_type[OrganisationType.ACADEMIC][0]
        observer = self.demo_account("observer", observer_org)

        for index, (slug, _name, _public, _mandate) in enumerate(c.COMMITTEES):
            def themed(pool, slug=slug, used=used_chairs):
                matching = [o for o in pool if o.theme == slug and o.name not in used]
                return rng.choice(matching or [o for o in pool if o.name not in used])

            civil_org, city_org = themed(civil_pool), themed(municipal_pool)
            used_chairs |= {civil_org.name, city_org.name}
            if index == 0:
                civil_chair = self.demo_account("cochair", civil_org)
                city_chair = self.demo_account("cochair_city", city_org)
            else:
                civil_chair, city_chair = self.staff[civil_org.name][0], self.staff[city_org.name][0]
            self._role(slug, civil_chair, CommitteeRoleKind.COCHAIR)
            self._role(slug, city_chair, CommitteeRoleKind.COCHAIR)
            if index in (0, 3):
                self._role(slug, secretary, CommitteeRoleKind.SECRETARY)
            elif index in (1, 4):
                self._role(slug, self.staff[secretariat.name][-1], CommitteeRoleKind.SECRETARY)

            # Members: the co-chairs' organisations, then others (those on the committee's theme first).
            wanted, extra_count = rng.randint(12, 22), rng.randint(2, 4)
            themed_orgs = [o for o in members_pool if o.theme == slug]
            others = [o for o in members_pool if o.theme != slug]
            rng.shuffle(themed_orgs)
            rng.shuffle(others)
            chosen = [civil_org, city_org]
            if slug in ("access-legal-rights", "livelihoods-labour-market", "women-refugees-gender"):
                chosen.append(demo_rep_org)
            for org in themed_orgs + others:
                if len(chosen) >= wanted + extra_count:
                    break
                if org not in chosen:
                    chosen.append(org)
            active, extra = chosen[:wanted], chosen[wanted:]
            statuses = [MembershipStatus.REQUESTED, MembershipStatus.SUSPENDED, MembershipStatus.LEFT,
                        MembershipStatus.REQUESTED]
            for org in active:
                self._membership(slug, org, MembershipStatus.ACTIVE)
                people = self.staff[org.name]
                if org is demo_rep_org:
                    primary, alternate = rep, None
                else:
                    primary = people[0]
                    alternate = people[1] if len(people) > 1 and rng.random() < 0.7 else None
                if primary.email in {civil_chair.email, city_chair.email}:
                    primary = people[1] if len(people) > 1 else None
                    alternate = people[2] if len(people) > 2 else None
                if primary is not None:
                    self._role(slug, primary, CommitteeRoleKind.REPRESENTATIVE, primary=True)
                if alternate is not None and alternate is not primary:
                    self._role(slug, alternate, CommitteeRoleKind.REPRESENTATIVE)
            for org, status in zip(extra, statuses):
                self._membership(slug, org, status)

            if index in (0, 4):
                self._role(slug, observer, CommitteeRoleKind.OBSERVER)
            candidates = [o for o in observer_pool if o not in chosen and o is not observer_org]
            for org in rng.sample(candidates, rng.randint(1, 2)):
                self._role(slug, self.staff[org.name][-1], CommitteeRoleKind.OBSERVER)

    def _membership(self, slug: str, org: OrgSpec, status: MembershipStatus) -> None:
        joined = self._date(FIRST_DAY, date(2024, 6, 30))
        spec = MembershipSpec(committee=slug, org=org.name, status=status, joined_on=joined)
        if status in (MembershipStatus.SUSPENDED, MembershipStatus.LEFT):
            spec.changed_on = self._date(joined + timedelta(days=30))
        if status == MembershipStatus.REQUESTED:
            spec.requested_by = self.staff[org.name][0].email
            spec.note = "We would like to contribute our experience to the committee's work."
        self.plan.memberships.append(spec)

    def _role(self, slug: str, person: PersonSpec, role: CommitteeRoleKind, primary: bool = False) -> None:
        self.plan.roles.append(RoleSpec(committee=slug, person=person.email, role=role, is_primary=primary))

    def build(self) -> Plan:
        self.organisations()
        self.people()
        self.committees()
        for org in self.plan.organisations:
            self.plan.people.extend(self.staff[org.name])
        return self.plan


def build_plan() -> Plan:
    """The same plan on every run (seeded), so loading it twice creates nothing new."""
    return _Builder().build()
