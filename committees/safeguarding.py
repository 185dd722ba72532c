"""Safeguarding the people served: text that looks like a beneficiary's personal data.

Proposals, minutes and comments are about refugees and migrants, who must never be identifiable in them. `scan`
finds passages that look like personal data (phone numbers, email addresses, ID, passport, asylum-case and
social-security style numbers, dates of birth) so that the services can stop a submission, a circulation or a
publication until the writer fixes the text or confirms with a reason (`check`); `mask` hides the same patterns in
HTML shown to the public, whatever the writers confirmed.

Heuristics, not proof: they favour a false alarm (the writer confirms in one step) over a missed number. Dates
count only next to words about birth, so meeting dates and years do not raise alarms; amounts (150,000 or
1.500.000) have too few digits or a comma and are not phone numbers.
"""
from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass

from committees import audit
from committees.errors import DomainError, ValidationFailed
from committees.i18n import N_

MAX_REASON = 2000
CONTEXT = 40  # characters shown either side of a finding

# What each kind is called on the page (marked for translation; the views translate them).
KINDS = {
    "email": N_("email address"),
    "phone": N_("phone number"),
    "id_number": N_("ID or passport number"),
    "case_number": N_("asylum case or registration number"),
    "social_security": N_("social security or tax number"),
    "birth_date": N_("date of birth"),
}

_EMAIL = re.compile(r"(?<![\w.+-])[\w.+-]+@[\w-]+(?:\.[\w-]+)*\.[^\W\d_]{2,}", re.UNICODE)
# A run of digits with spaces, dots, hyphens or brackets between them, maybe after a +: a phone when it holds
# 10 to 15 digits (Greek numbers have 10, international ones up to 15).
_DIGIT_RUN = re.compile(r"(?<![\w+])(?:\+|00)?\(?\d[\d\s.()-]{7,22}\d(?![\w])")
_KEYWORD_VALUE = (r"\s*(?:no\.?|nr\.?|number|num\.?|#|αρ\.?|αριθμός|αριθμ\.?)?\s*[:#.]?\s*"
                  r"(?P<v>[A-Za-zΑ-Ωα-ω]{0,3}[\s-]?\d[\w/-]{3,})")
_SOCIAL = re.compile(
    r"(?i)\b(?:amka|αμκα|α\.μ\.κ\.α\.?|afm|αφμ|α\.φ\.μ\.?|social\s+security|ssn|tax\s+(?:id|number)|"
    r"insurance\s+number|paaypa|παααυπα|πααυπα)" + _KEYWORD_VALUE)
_CASE = re.compile(
    r"(?i)\b(?:asylum|case|file|registration|reg\.|ref\.?|reference|unhcr|claim|υπόθεση[ςσ]?|φακέλου|φάκελος|"
    r"ασύλου|αίτησης)" + _KEYWORD_VALUE)
_UNHCR = re.compile(r"\b\d{3}-\d{2}[A-Z]\d{5,6}\b")
_ID_KEYWORD = re.compile(
    r"(?i)\b(?:passport|id\s+card|identity\s+card|id|residence\s+permit|permit|διαβατήρι\w*|ταυτότητ\w*|"
    r"α\.?δ\.?τ\.?|άδεια\w*\s+διαμονής)" + _KEYWORD_VALUE)
_ID_SHAPE = re.compile(r"(?<![\w-])(?P<v>[A-ZΑ-Ω]{1,2}[\s-]?\d{6,8})(?![\w-])")
_DATE = (r"(?P<v>\d{1,2}\s*[./-]\s*\d{1,2}\s*[./-]\s*(?:19|20)?\d{2}"
         r"|\d{1,2}\s+[^\W\d_]{3,12}\.?\s+(?:19|20)\d{2}|(?:19|20)\d{2})")
_BIRTH = re.compile(
    r"(?i)\b(?:born(?:\s+on|\s+in)?|date\s+of\s+birth|d\.?o\.?b\.?|birth\s*date|birthday|"
    r"γεννήθηκε(?:\s+(?:το|στις|την))?|γέννησης|γεν\.|ημ\.?\s*γεν\.?)\s*[:,-]?\s*" + _DATE)
_YEARS = re.compile(r"(?:19|20)\d{2}(?:\s*[/–-]\s*(?:19|20)?\d{2})?")
_DATE_INSIDE = re.compile(r"\d{1,2}[./-]\d{1,2}[./-](?:19|20)\d{2}|(?:19|20)\d{2}\s*[-–]\s*(?:19|20)\d{2}")
_LONG_NUMBER = re.compile(r"(?<![\w.,/-])\d{9,}(?![\w.,/-])")


@dataclass(frozen=True)
class Finding:
    kind: str  # a key of KINDS
    start: int
    end: int
    passage: str  # the finding with some text either side, on one line

    @property
    def label(self) -> str:
        return KINDS[self.kind]


def _digits(text: str) -> int:
    return sum(ch.isdigit() for ch in text)


def _spans(text: str) -> list[tuple[str, int, int]]:
    found: list[tuple[str, int, int]] = []
    for kind, pattern in (("social_security", _SOCIAL), ("case_number", _CASE), ("id_number", _ID_KEYWORD),
                          ("birth_date", _BIRTH)):
        for match in pattern.finditer(text):
            value = match.group("v").rstrip(".-/")
            if kind != "birth_date" and (_digits(value) < 5 or _YEARS.fullmatch(value)):
                continue  # "case 12", "permit 2024", "file 2024-2025": not a person's number
            found.append((kind, match.start("v"), match.start("v") + len(value)))
    for match in _UNHCR.finditer(text):
        found.append(("case_number", match.start(), match.end()))
    for match in _EMAIL.finditer(text):
        found.append(("email", match.start(), match.end()))
    for match in _ID_SHAPE.finditer(text):
        found.append(("id_number", match.start("v"), match.end("v")))
    for match in _DIGIT_RUN.finditer(text):
        value = match.group().strip(" .-")
        if 10 <= _digits(value) <= 15 and not _DATE_INSIDE.search(value):
            start = match.start() + match.group().index(value)
            found.append(("phone", start, start + len(value)))
    for match in _LONG_NUMBER.finditer(text):
        kind = "social_security" if len(match.group()) in (9, 11) else "id_number"
        found.append((kind, match.start(), match.end()))
    # Overlaps: keep the earliest, then the longest (a keyword match beats the bare number inside it).
    found.sort(key=lambda f: (f[1], -(f[2] - f[1])))
    kept: list[tuple[str, int, int]] = []
    for kind, start, end in found:
        if kept and start < kept[-1][2]:
            continue
        kept.append((kind, start, end))
    return kept


def scan(text: str | None) -> list[Finding]:
    """Every passage of `text` that looks like a person's personal data, in order."""
    if not text:
        return []
    findings = []
    for kind, start, end in _spans(text):
        before = text[max(0, start - CONTEXT):start]
        after = text[end:end + CONTEXT]
        passage = " ".join(f"{'…' if start > CONTEXT else ''}{before}{text[start:end]}{after}"
                           f"{'…' if end + CONTEXT < len(text) else ''}".split())
        findings.append(Finding(kind, start, end, passage))
    return findings


def scan_all(texts: dict[str, str | None]) -> dict[str, list[Finding]]:
    """scan() over named texts (a form's fields); only those with findings."""
    return {name: found for name, text in texts.items() if (found := scan(text))}


class PersonalDataSuspected(DomainError):
    """The text looks like it holds a beneficiary's personal data: fix it, or confirm with a reason."""

    code = "personal_data_suspected"
    status = 422

    def __init__(self, findings: dict[str, list[Finding]]):
        super().__init__(N_("This text looks like it contains personal data of the people we serve. Remove it, "
                            "or confirm with a reason why it must stay."), field="safeguarding_reason")
        self.findings = findings

    def as_json(self) -> list[dict]:
        return [{"field": name, "kind": f.kind, "passage": f.passage}
                for name, found in self.findings.items() for f in found]


def check(texts: dict[str, str | None], reason: str | None) -> tuple[dict[str, list[Finding]], str]:
    """Raise PersonalDataSuspected when `texts` hold findings and no reason was given. Returns the findings and the
    cleaned reason (the caller audits them: kinds and counts, never the passages themselves)."""
    findings = scan_all(texts)
    reason = " ".join((reason or "").split())
    if len(reason) > MAX_REASON:
        raise ValidationFailed(N_("The text is too long."), field="safeguarding_reason", code="too_long")
    if findings and not reason:
        raise PersonalDataSuspected(findings)
    return findings, reason


def summary(findings: dict[str, list[Finding]]) -> dict[str, int]:
    """Kinds and how many of each, for the audit log (which must not copy the personal data)."""
    return dict(Counter(f.kind for found in findings.values() for f in found))


MASK = "•"
_TAG = re.compile(r"<[^>]*>")


def mask(html: str) -> str:
    """`html` with every finding's characters replaced by •, tags left intact (for pages seen by the public)."""
    if not html:
        return html
    visible = _TAG.sub(lambda m: " " * len(m.group()), html)
    spans = _spans(visible)
    chars = list(html)
    for _kind, start, end in spans:
        for i in range(start, end):
            if not visible[i].isspace():
                chars[i] = MASK
    # Links carry them too (mailto:, tel:, a title): mask inside the tags as well.
    return _TAG.sub(lambda m: _mask_plain(m.group()), "".join(chars))


def _mask_plain(text: str) -> str:
    chars = list(text)
    for _kind, start, end in _spans(text):
        chars[start:end] = MASK * (end - start)
    return "".join(chars)


def confirm(actor, target, texts: dict[str, str | None], reason: str | None, *,
            step: str) -> dict[str, list[Finding]]:
    """The services' check before text reaches others: PersonalDataSuspected without a reason; with one, the
    confirmation is audited on `target` (its committee with it): the step, the reason, kinds and counts; not the
    passages."""
    findings, reason = check(texts, reason)
    if findings:
        audit.record(actor, "safeguarding.confirmed", target, f"Possible personal data kept on {step}",
                     step=step, reason=reason, kinds=summary(findings), fields=sorted(findings))
    return findings
