"""Text for the search index: normalisation, query terms, plain text from stored HTML, and highlighted passages.

Greek readers type without accents and in any case, so the index holds a *normalised* copy of every text and the
query is normalised the same way, on SQLite and PostgreSQL alike: compatibility decomposition (NFKD), combining
marks removed, case folded ("Αθήνα", "ΑΘΗΝΑ" and "αθηνα" all become "αθηνα"; final sigma folds to σ), everything
but letters and digits made a space. It works one
character at a time, so every character of the normalised text comes from a known character of the original: the
matches the database finds in the normalised text are mapped back onto the original text, which is what people read.
Highlighting escapes the text first and adds the <mark> tags afterwards.
"""
from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from functools import lru_cache
from html.parser import HTMLParser

from markupsafe import Markup, escape

# Marks the database puts around matches in the normalised text (control characters never indexed).
START, STOP = "\x02", "\x03"
MAX_TERMS = 12
MAX_TERM_LENGTH = 60
TERM_RE = re.compile(r"[^\W_]+")


def _word_char(char: str) -> bool:
    return char.isalnum() or unicodedata.category(char)[0] == "M"


@lru_cache(maxsize=4096)
def _fold(char: str) -> str:
    """One character normalised. Punctuation, symbols and control characters (START/STOP among them) become
    spaces, so both databases see plain words: PostgreSQL's parser would otherwise read `<b>`, `&amp;`, addresses
    and paths as tags, entities, hosts and files, and index them differently from FTS5."""
    decomposed = unicodedata.normalize("NFKD", char)
    folded = "".join(c for c in decomposed if not unicodedata.combining(c)).casefold()
    return "".join(c if _word_char(c) else " " for c in folded)


def normalise(text: str | None) -> str:
    """The text as the index stores it: without accents and other combining marks, case-folded."""
    return "".join(_fold(c) for c in text or "")


def normalise_with_map(text: str) -> tuple[str, list[int]]:
    """The normalised text and, for each of its characters, the index of the original character it comes from."""
    out: list[str] = []
    origin: list[int] = []
    for index, char in enumerate(text):
        folded = _fold(char)
        out.append(folded)
        origin.extend([index] * len(folded))
    return "".join(out), origin


def query_terms(query: str | None) -> list[str]:
    """The words of a query, normalised: letters and digits only, so no query syntax ever reaches the database.
    At most MAX_TERMS words, each cut to MAX_TERM_LENGTH characters, duplicates dropped."""
    seen: list[str] = []
    for term in TERM_RE.findall(normalise(query)):
        term = term[:MAX_TERM_LENGTH]
        if term not in seen:
            seen.append(term)
        if len(seen) == MAX_TERMS:
            break
    return seen


# -- plain text from the stored (sanitised) HTML ---------------------------------------------------------------

_BLOCKS = {"p", "div", "li", "ul", "ol", "h1", "h2", "h3", "h4", "h5", "h6", "blockquote", "pre", "tr", "table",
           "dt", "dd", "br", "hr"}


class _TextParser(HTMLParser):
    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.parts: list[str] = []

    def handle_starttag(self, tag, attrs):
        if tag in _BLOCKS:
            self.parts.append("\n")
        elif tag in ("td", "th"):
            self.parts.append(" ")

    def handle_endtag(self, tag):
        if tag in _BLOCKS:
            self.parts.append("\n")

    def handle_data(self, data):
        self.parts.append(data)


def html_to_text(html: str | None) -> str:
    """Readable plain text of an HTML fragment: tags dropped, entities decoded, blocks on their own lines."""
    if not html:
        return ""
    parser = _TextParser()
    parser.feed(html)
    parser.close()
    text = "".join(parser.parts)
    text = re.sub(r"[ \t\r\f\v]+", " ", text)
    return re.sub(r"\s*\n\s*", "\n", text).strip()


def join_text(*parts: str | None) -> str:
    return "\n".join(p.strip() for p in parts if p and p.strip())


# -- highlighting ----------------------------------------------------------------------------------------------

@dataclass(frozen=True)
class Segment:
    text: str
    match: bool = False


def marked_spans(original: str, marked: str | None) -> list[tuple[int, int]] | None:
    """Where the matches are in `original`, given the database's copy of its normalised text with START/STOP
    around each match. None when that copy does not belong to this text (the index is out of date)."""
    if marked is None:
        return None
    plain, origin = normalise_with_map(original)
    spans: list[tuple[int, int]] = []
    position, start = 0, None
    for char in marked:
        if char == START:
            start = position
        elif char == STOP:
            if start is not None and position > start:
                spans.append((origin[start], origin[position - 1] + 1))
            start = None
        else:
            if position >= len(plain) or plain[position] != char:
                return None
            position += 1
    if position != len(plain):
        return None
    return _merged(spans, original)


def _merged(spans: list[tuple[int, int]], text: str) -> list[tuple[int, int]]:
    """Overlapping spans, and spans only white space apart ("legal aid"), become one."""
    merged: list[tuple[int, int]] = []
    for start, end in sorted(spans):
        if merged and (start <= merged[-1][1] or text[merged[-1][1]:start].isspace()):
            merged[-1] = (merged[-1][0], max(end, merged[-1][1]))
        else:
            merged.append((start, end))
    return merged


def segments(text: str, spans: list[tuple[int, int]]) -> tuple[Segment, ...]:
    out: list[Segment] = []
    position = 0
    for start, end in spans:
        if start > position:
            out.append(Segment(text[position:start]))
        out.append(Segment(text[start:end], True))
        position = end
    if position < len(text):
        out.append(Segment(text[position:]))
    return tuple(out)


def passage(text: str, spans: list[tuple[int, int]] | None, width: int = 240) -> tuple[Segment, ...]:
    """About `width` characters of `text` around its first matches (the start of the text when nothing matched),
    cut at spaces, with "…" where text was left out, as segments."""
    text, spans = collapsed_spans(text, spans or [])
    if not text:
        return ()
    if len(text) <= width:
        return segments(text, spans)
    anchor = spans[0][0] if spans else 0
    start = max(0, anchor - width // 4)
    if start:
        space = text.find(" ", start, anchor) if anchor > start else -1
        start = space + 1 if space != -1 else start
    end = min(len(text), start + width)
    if end < len(text):
        space = text.rfind(" ", start + width // 2, end)
        end = space if space != -1 else end
    inside = [(max(s, start) - start, min(e, end) - start) for s, e in spans if e > start and s < end]
    out = segments(text[start:end], inside)
    if start:
        out = (Segment("… "),) + out
    if end < len(text):
        out = out + (Segment(" …"),)
    return out


def collapsed_spans(text: str, spans: list[tuple[int, int]]) -> tuple[str, list[tuple[int, int]]]:
    """`text` on one line: a run of white space becomes one space, or " · " where it held a line break (between
    paragraphs and sections), none at either end; the spans move along with it."""
    out: list[str] = []
    new_index: list[int] = []
    length = 0
    for piece in re.finditer(r"\s+|\S+", text):
        part = piece.group()
        if part[0].isspace():
            inner = length and piece.end() < len(text)
            part = (" · " if "\n" in part else " ") if inner else ""
            new_index.extend([length] * len(piece.group()))  # a match never starts or ends inside white space
        else:
            new_index.extend(range(length, length + len(part)))
        out.append(part)
        length += len(part)
    new_index.append(length)
    collapsed = "".join(out)
    moved = [(new_index[s], min(new_index[e], length)) for s, e in spans]
    return collapsed, [(s, e) for s, e in moved if e > s]


def to_html(parts: tuple[Segment, ...]) -> Markup:
    """The segments as HTML: every piece of text escaped, then matches wrapped in <mark>."""
    return Markup("").join(Markup("<mark>%s</mark>") % p.text if p.match else escape(p.text) for p in parts)
