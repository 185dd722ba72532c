"""CSV import of organisations and people for onboarding: parse → validate → apply.

`parse_csv` reads the file (UTF-8 with or without BOM, `;` or `,`), `validate_rows` checks every row
against the file and the database and returns an ImportPlan listing each row's errors, and
`apply_plan` writes everything only when no row has an error. The caller commits once, so an
import is all or nothing. Cells are stored as text exactly as given (a cell such as `=1+1` is a
string, never evaluated); exports neutralise such cells when they write them out.
"""
from __future__ import annotations

import csv
import io
import re
from dataclasses import dataclass, field
from datetime import timedelta
from typing import Any

from sqlalchemy import func, or_, select

from committees import audit, policy
from committees.db import db
from committees.errors import ValidationFailed
from committees.i18n import N_
from committees.models import GlobalRole, Organisation, OrganisationType, Person
from committees.models.types import TitledEnum
from committees.services import bodies, people

MAX_BYTES = 512 * 1024  # ~3,000 people; the confirm form carries it back, compressed, under Werkzeug's form limit
MAX_ROWS = 5000


class ImportKind(TitledEnum):
    ORGANISATIONS = "organisations", N_("Organisations")
    PEOPLE = "people", N_("People")


COLUMNS: dict[ImportKind, tuple[str, ...]] = {
    ImportKind.ORGANISATIONS: ("name", "short_name", "type", "description", "website", "email", "phone", "address"),
    ImportKind.PEOPLE: ("email", "full_name", "organisation", "job_title", "phone", "language", "role", "invite"),
}
REQUIRED: dict[ImportKind, tuple[str, ...]] = {
    ImportKind.ORGANISATIONS: ("name", "type"),
    ImportKind.PEOPLE: ("email", "full_name"),
}
MAX_LENGTHS = {
    "name": 200, "short_name": 50, "type": 60, "description": 10000, "website": 300, "email": 254, "phone": 50,
    "address": 300, "full_name": 200, "organisation": 200, "job_title": 200, "language": 8, "role": 20, "invite": 10,
}
MULTILINE = {"description"}
EXAMPLES: dict[ImportKind, tuple[str, ...]] = {
    ImportKind.ORGANISATIONS: ("Solidarity Now", "SN", "NGO", "Legal aid and shelter.", "https://example.org",
                               "info@example.org", "+30 210 000 0000", "Athens"),
    ImportKind.PEOPLE: ("maria@example.org", "Maria Example", "SN", "Legal officer", "+30 210 000 0001", "el",
                        "none", "yes"),
}
YES = {"yes", "y", "true", "1", "ναι", "x"}
NO = {"no", "n", "false", "0", "όχι", ""}
CONTROL_RE = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")


@dataclass
class RowError:
    """One problem: `message` is marked with N_ and formatted with `params` after translation."""

    row: int
    column: str
    message: str
    code: str
    params: dict[str, Any] = field(default_factory=dict)


@dataclass
class ImportRow:
    number: int  # the row's number in a spreadsheet: the header is row 1
    values: dict[str, str]
    errors: list[RowError] = field(default_factory=list)
    clean: dict[str, Any] = field(default_factory=dict)

    def error(self, column: str, message: str, code: str, **params: Any) -> None:
        self.errors.append(RowError(self.number, column, message, code, params))


@dataclass
class ImportPlan:
    kind: ImportKind
    columns: list[str]
    rows: list[ImportRow]

    @property
    def errors(self) -> list[RowError]:
        return [e for row in self.rows for e in row.errors]

    @property
    def valid(self) -> bool:
        return bool(self.rows) and not self.errors


@dataclass
class ImportResult:
    kind: ImportKind
    created: list[Any]
    invited: int = 0


# -- parse -------------------------------------------------------------------------------------

def template_csv(kind: ImportKind) -> str:
    """A CSV with the header and one example row, for people to fill in."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow(COLUMNS[kind])
    writer.writerow(EXAMPLES[kind])
    return out.getvalue()


def _file_error(message: str, code: str) -> ValidationFailed:
    return ValidationFailed(message, field="file", code=code)


def _header_name(cell: str) -> str:
    return re.sub(r"[\s-]+", "_", (cell or "").strip().lower())


def parse_csv(data: bytes, kind: ImportKind, *, max_bytes: int = MAX_BYTES,
              max_rows: int = MAX_ROWS) -> tuple[list[str], list[ImportRow]]:
    """Read the file into rows of stripped strings; problems with the file as a whole raise ValidationFailed."""
    if len(data) > max_bytes:
        raise _file_error(N_("The file is too large for one import."), "file_too_large")
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise _file_error(N_("The file is not UTF-8 text. Save it as “CSV UTF-8” and try again."),
                          "not_utf8") from None
    if "\x00" in text:
        raise _file_error(N_("The file contains binary data; upload a CSV file."), "binary")
    first_line = text.split("\n", 1)[0]
    if not first_line.strip():
        raise _file_error(N_("The file is empty or its first line (the column names) is blank."), "empty")
    delimiter = ";" if first_line.count(";") > first_line.count(",") else ","
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
    try:
        records = list(reader)
    except csv.Error:
        raise _file_error(N_("The file is not valid CSV (check the quotes)."), "bad_csv") from None
    header = [_header_name(c) for c in records[0]]
    while header and not header[-1]:
        header.pop()  # spreadsheets sometimes add empty trailing columns
    _check_header(header, kind)
    rows = []
    for index, record in enumerate(records[1:], start=2):
        if not any(cell.strip() for cell in record):
            continue
        if len(rows) >= max_rows:
            raise _file_error(N_("The file has too many rows for one import."), "too_many_rows")
        values = {name: (record[i] if i < len(record) else "") for i, name in enumerate(header)}
        row = ImportRow(index, {k: _clean_cell(k, v) for k, v in values.items()})
        if len(record) > len(header) and any(c.strip() for c in record[len(header):]):
            row.error("", N_("This row has more values than there are columns."), "too_many_values")
        rows.append(row)
    if not rows:
        raise _file_error(N_("The file has no rows to import."), "no_rows")
    return header, rows


def _check_header(header: list[str], kind: ImportKind) -> None:
    known = COLUMNS[kind]
    unknown = [h for h in header if h not in known]
    if unknown:
        raise _params_error(N_("Unknown column(s): %(columns)s. Use the template's column names."),
                            "unknown_columns", columns=", ".join(h or "?" for h in unknown))
    if len(set(header)) != len(header):
        raise _file_error(N_("A column name appears twice."), "duplicate_columns")
    missing = [c for c in REQUIRED[kind] if c not in header]
    if missing:
        raise _params_error(N_("Missing column(s): %(columns)s."), "missing_columns", columns=", ".join(missing))


def _params_error(message: str, code: str, **params: Any) -> ValidationFailed:
    error = _file_error(message, code)
    error.params = params
    return error


def _clean_cell(column: str, value: str) -> str:
    value = CONTROL_RE.sub("", value or "")
    if column in MULTILINE:
        return value.replace("\r\n", "\n").replace("\r", "\n").strip()
    return " ".join(value.split())


# -- validate ----------------------------------------------------------------------------------

def validate_rows(actor: Person | None, kind: ImportKind, rows: list[ImportRow], *,
                  languages: dict[str, str] | None = None, columns: list[str] | None = None) -> ImportPlan:
    """Check every row against the file and the database; writes nothing."""
    for row in rows:
        for column, limit in MAX_LENGTHS.items():
            if len(row.values.get(column, "")) > limit:
                row.error(column, N_("Too long: at most %(limit)s characters."), "too_long", limit=limit)
        for column in REQUIRED[kind]:
            if not row.values.get(column):
                row.error(column, N_("This value is required."), "required")
    if kind == ImportKind.ORGANISATIONS:
        _validate_organisations(rows)
    else:
        _validate_people(actor, rows, languages or {"en": "English"})
    return ImportPlan(kind, list(columns or COLUMNS[kind]), rows)


def organisation_type(value: str) -> OrganisationType | None:
    """The type named by its value or English title, case-insensitive."""
    wanted = (value or "").strip().lower()
    for member in OrganisationType:
        if wanted in (member.value, member.title.lower(), member.value.replace("_", " "),
                      member.value.replace("_", "-")):
            return member
    return None


def _validate_organisations(rows: list[ImportRow]) -> None:
    names = {r.values.get("name", "").lower() for r in rows} - {""}
    shorts = {r.values.get("short_name", "").lower() for r in rows} - {""}
    taken_names, taken_shorts = set(), set()
    if names or shorts:
        for name, short in db.session.execute(select(Organisation.name, Organisation.short_name).where(or_(
                func.lower(Organisation.name).in_(names), func.lower(Organisation.short_name).in_(shorts)))):
            taken_names.add(name.lower())
            taken_shorts.add((short or "").lower())
    seen_names: dict[str, int] = {}
    seen_shorts: dict[str, int] = {}
    for row in rows:
        v = row.values
        name, short = v.get("name", ""), v.get("short_name", "")
        if name:
            _check_unique(row, "name", name.lower(), seen_names, taken_names,
                          N_("An organisation with this name exists already."))
        if short:
            _check_unique(row, "short_name", short.lower(), seen_shorts, taken_shorts,
                          N_("An organisation with this short name exists already."))
        org_type = organisation_type(v.get("type", ""))
        if v.get("type") and org_type is None:
            row.error("type", N_("Unknown type “%(value)s”; use one of: %(choices)s."), "invalid_choice",
                      value=v["type"], choices=", ".join(m.value for m in OrganisationType))
        website = v.get("website", "")
        if website and not re.match(r"^https?://[^\s/]+", website, re.I):
            row.error("website", N_("A website starts with http:// or https://."), "invalid_url")
        email = _email(row, v.get("email", "")) if v.get("email") else ""
        row.clean = {
            "name": name, "short_name": short, "type": org_type, "description": v.get("description", ""),
            "website": website, "email": email, "phone": v.get("phone", ""), "address": v.get("address", ""),
        }


def _check_unique(row: ImportRow, column: str, key: str, seen: dict[str, int], taken: set[str], message: str) -> None:
    if key in seen:
        row.error(column, N_("Also in row %(other)s of this file."), "duplicate_in_file", other=seen[key])
    else:
        seen[key] = row.number
    if key in taken:
        row.error(column, message, "exists")


def _email(row: ImportRow, value: str) -> str:
    try:
        return people.normalise_email(value)
    except ValidationFailed:
        row.error("email", N_("“%(value)s” is not a valid email address."), "invalid_email", value=value)
        return ""


def _organisation_index(references: set[str]) -> dict[str, list[Organisation]]:
    """Existing organisations by lower-cased name and short name, in one query."""
    index: dict[str, list[Organisation]] = {}
    if not references:
        return index
    stmt = select(Organisation).where(or_(func.lower(Organisation.name).in_(references),
                                          func.lower(Organisation.short_name).in_(references)))
    for org in db.session.scalars(stmt):
        for key in {org.name.lower(), (org.short_name or "").lower()} - {""}:
            index.setdefault(key, []).append(org)
    return index


def _validate_people(actor: Person | None, rows: list[ImportRow], languages: dict[str, str]) -> None:
    emails = {}
    for row in rows:
        if row.values.get("email"):
            emails[row.number] = _email(row, row.values["email"])
    existing = set()
    wanted = {e for e in emails.values() if e}
    if wanted:
        existing = set(db.session.scalars(select(func.lower(Person.email)).where(func.lower(Person.email).in_(wanted))))
    organisations = _organisation_index({r.values.get("organisation", "").lower() for r in rows} - {""})
    may_set_roles = policy.can(actor, "person.set_role")
    seen: dict[str, int] = {}
    for row in rows:
        v = row.values
        email = emails.get(row.number, "")
        if email:
            _check_unique(row, "email", email, seen, existing,
                          N_("Somebody already has an account with this email address."))
        organisation = None
        if v.get("organisation"):
            matches = {o.id: o for o in organisations.get(v["organisation"].lower(), [])}
            if not matches:
                row.error("organisation", N_("Unknown organisation “%(value)s”."), "unknown_organisation",
                          value=v["organisation"])
            elif len(matches) > 1:
                row.error("organisation", N_("“%(value)s” matches several organisations; use the full name."),
                          "ambiguous_organisation", value=v["organisation"])
            else:
                organisation = next(iter(matches.values()))
        language = (v.get("language") or "en").lower()
        if language not in languages:
            row.error("language", N_("Unknown language “%(value)s”; use one of: %(choices)s."), "invalid_choice",
                      value=v.get("language", ""), choices=", ".join(languages))
        role = _choice(row, "role", GlobalRole, "none")
        if role is not None and role != GlobalRole.NONE and not may_set_roles:
            row.error("role", N_("Only administrators may import coordinators or administrators."), "forbidden_role")
        invite = (v.get("invite") or "").lower()
        if invite not in YES | NO:
            row.error("invite", N_("Write yes or no."), "invalid_choice")
        row.clean = {
            "email": email, "full_name": v.get("full_name", ""), "organisation": organisation,
            "job_title": v.get("job_title", ""), "phone": v.get("phone", ""), "language": language,
            "global_role": role, "invite": invite in YES,
        }


def _choice(row: ImportRow, column: str, enum_cls: type[TitledEnum], default: str):
    value = (row.values.get(column) or default).strip().lower()
    for member in enum_cls:
        if value in (member.value, member.title.lower()):
            return member
    row.error(column, N_("Unknown value “%(value)s”; use one of: %(choices)s."), "invalid_choice",
              value=row.values.get(column, ""), choices=", ".join(m.value for m in enum_cls))
    return None


def prepare_import(actor: Person | None, kind: ImportKind, data: bytes, *,
                   languages: dict[str, str] | None = None, max_bytes: int = MAX_BYTES) -> ImportPlan:
    """Parse and validate (the dry run): raises ValidationFailed for a bad file, else returns the plan."""
    columns, rows = parse_csv(data, kind, max_bytes=max_bytes)
    return validate_rows(actor, kind, rows, languages=languages, columns=columns)


# -- apply -------------------------------------------------------------------------------------

def apply_plan(actor: Person | None, plan: ImportPlan, *, invitation_lifetime: timedelta = timedelta(days=7)
               ) -> ImportResult:
    """Create every row (one audit entry each) plus a summary entry; refuses a plan with any error."""
    if not plan.valid:
        raise ValidationFailed(N_("Nothing was imported: correct the errors and try again."), field="file",
                               code="import_invalid")
    result = ImportResult(plan.kind, [])
    if plan.kind == ImportKind.ORGANISATIONS:
        for row in plan.rows:
            values = dict(row.clean, type=row.clean["type"].value)
            result.created.append(bodies.create_organisation(actor, **values))
    else:
        for row in plan.rows:
            clean = dict(row.clean)
            invite = clean.pop("invite")
            person = people.create_person(actor, check_rules=False, **clean)
            result.created.append(person)
            if invite:
                people.invite_person(actor, person, invitation_lifetime)
                result.invited += 1
    audit.record(actor, f"import.{plan.kind.value}", None,
                 f"Imported {len(result.created)} {plan.kind.value} from CSV",
                 created=len(result.created), invited=result.invited,
                 ids=[obj.id for obj in result.created][:1000])
    return result
