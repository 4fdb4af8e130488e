"""Find text in articles, and choose articles by status, label, entity and annotator.

Matching runs a compiled regular expression over the original text, so every hit is a
(start, end) range in code points of the article text, never of a folded copy.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from datetime import date, datetime
from functools import lru_cache
from typing import TYPE_CHECKING, Any

from annotator.core.model import ArticleStatus, Origin

if TYPE_CHECKING:
    from annotator.core.annotations import AnnotationSet
    from annotator.core.project import Project

DEFAULT_LIMIT = 500
_MARKS = "[\u0300-\u036f\u1ab0-\u1aff\u1dc0-\u1dff\u20d0-\u20ff\ufe20-\ufe2f]*"
# Letters that carry a stroke instead of a combining mark, so NFD leaves them alone.
_EXTRA_FOLDS = {"ø": "o", "Ø": "o", "ł": "l", "Ł": "l", "đ": "d", "Đ": "d", "ı": "i", "ħ": "h"}
_STATUS_ORDER = {s: i for i, s in enumerate(ArticleStatus)}


@dataclass(frozen=True, slots=True)
class Hit:
    """One occurrence of the query: article and code-point range (`end` exclusive)."""

    article_id: str
    start: int
    end: int


@dataclass(frozen=True, slots=True)
class SearchResult:
    """Hits in article order; `truncated` when the limit stopped the search early."""

    hits: list[Hit]
    truncated: bool
    articles: int  # articles with at least one hit

    def __len__(self) -> int:
        return len(self.hits)


@dataclass(frozen=True, slots=True)
class FindOptions:
    """How a query matches: case and diacritics ignored by default; whole words optional."""

    match_case: bool = False
    ignore_diacritics: bool = True
    whole_word: bool = False


def base_letter(char: str) -> str:
    """`char` without diacritics ("é" -> "e", "ø" -> "o"); other characters unchanged."""
    if char in _EXTRA_FOLDS:
        return _EXTRA_FOLDS[char]
    decomposed = unicodedata.normalize("NFD", char)
    stripped = "".join(c for c in decomposed if not unicodedata.combining(c))
    return stripped if len(stripped) == 1 else char


@lru_cache(maxsize=1)
def _variants() -> dict[str, str]:
    """Base letter (lower case) -> every Latin letter that folds to it, as one string."""
    table: dict[str, set[str]] = {}
    ranges = (range(0xC0, 0x250), range(0x1E00, 0x1F00))
    for char in (chr(cp) for r in ranges for cp in r):
        base = base_letter(char)
        if base != char and base.isascii() and base.isalpha():
            table.setdefault(base.lower(), set()).update({char, char.lower(), char.upper()})
    return {base: "".join(sorted(chars)) for base, chars in table.items()}


def _piece(char: str, options: FindOptions) -> str:
    if char.isspace():
        return r"\s+"  # "Kim Jong Un" also matches across a line break or double space
    if not options.ignore_diacritics:
        return re.escape(char)
    if unicodedata.combining(char):
        return ""  # a bare mark in the query: any marks after the letter already match
    base = base_letter(char)
    variants = _variants().get(base.lower())
    if not variants:
        return re.escape(base) + _MARKS
    cased = base if options.match_case else base.lower() + base.upper()
    if options.match_case:
        variants = "".join(v for v in variants if v.isupper() == base.isupper())
    return "[" + re.escape(cased + variants) + "]" + _MARKS


@lru_cache(maxsize=64)
def compile_query(query: str, options: FindOptions = FindOptions()) -> re.Pattern[str] | None:  # noqa: B008
    """A pattern for `query`, or None when it has nothing to look for."""
    query = unicodedata.normalize("NFC", query.strip())
    if not query:
        return None
    body = "".join(_piece(c, options) for c in re.sub(r"\s+", " ", query))
    if options.whole_word:
        body = rf"(?<!\w){body}(?!\w)"
    flags = 0 if options.match_case else re.IGNORECASE
    return re.compile(body, flags)


def find_in_text(
    text: str,
    query: str,
    options: FindOptions = FindOptions(),
    limit: int | None = None,  # noqa: B008
) -> list[tuple[int, int]]:
    """(start, end) of every non-overlapping occurrence of `query` in `text`."""
    pattern = compile_query(query, options)
    if pattern is None:
        return []
    found: list[tuple[int, int]] = []
    for match in pattern.finditer(text):
        if match.end() > match.start():
            found.append((match.start(), match.end()))
            if limit is not None and len(found) >= limit:
                break
    return found


def search(
    texts: Iterable[tuple[str, str]],
    query: str,
    options: FindOptions = FindOptions(),  # noqa: B008
    limit: int = DEFAULT_LIMIT,
) -> SearchResult:
    """Search (article_id, text) pairs in order; stop once `limit` hits are found.

    `texts` may be a generator: articles after the limit are never loaded.
    """
    hits: list[Hit] = []
    articles = 0
    if compile_query(query, options) is None:
        return SearchResult([], False, 0)
    for article_id, text in texts:
        ranges = find_in_text(text, query, options, limit - len(hits) + 1)
        if ranges:
            articles += 1
        hits += [Hit(article_id, s, e) for s, e in ranges]
        if len(hits) > limit:
            return SearchResult(hits[:limit], True, articles)
    return SearchResult(hits, False, articles)


def project_texts(
    project: Project, article_ids: Iterable[str] | None = None
) -> Iterator[tuple[str, str]]:
    """(article_id, text) pairs, loaded lazily in project (or the given) order."""
    ids = project.article_ids if article_ids is None else article_ids
    for article_id in ids:
        yield article_id, project.text(article_id)


def context(text: str, start: int, end: int, width: int = 40) -> tuple[str, str, str]:
    """Keyword in context: (left, match, right), each on one line, `width` characters aside."""
    left = text[max(0, start - width) : start]
    right = text[end : end + width]

    def flat(s: str) -> str:
        return re.sub(r"\s+", " ", s)

    return flat(left), flat(text[start:end]), flat(right)


# -- finding annotations ----------------------------------------------------------------
SPAN_STATES = ("any", "accepted", "suggested", "unsure", "commented")


@dataclass(frozen=True, slots=True)
class SpanQuery:
    """Which spans to find: label, entity (kb_id), origin, state; `text` is part of the
    span's text, matched like a text query. None / "" / "any" means any."""

    label: str | None = None
    kb_id: str | None = None
    origin: Origin | None = None
    state: str = "any"
    text: str = ""

    @property
    def active(self) -> bool:
        return any((self.label, self.kb_id, self.origin, self.state != "any", self.text.strip()))


def span_matches(span_text: str, span: Any, pending: bool, query: SpanQuery,
                 options: FindOptions = FindOptions()) -> bool:  # noqa: B008
    """Does one span (accepted, or `pending` suggestion) answer the query?"""
    if query.label is not None and span.label != query.label:
        return False
    if query.kb_id is not None and span.kb_id != query.kb_id:
        return False
    if query.origin is not None and span.origin != query.origin:
        return False
    if query.state == "accepted" and pending or query.state == "suggested" and not pending:
        return False
    if query.state == "unsure" and not span.unsure or query.state == "commented" and not (
            span.comment):
        return False
    return not query.text.strip() or bool(find_in_text(span_text, query.text, options, 1))


def find_spans(
    project: Project, article_ids: Iterable[str], query: SpanQuery,
    options: FindOptions = FindOptions(), limit: int = DEFAULT_LIMIT,  # noqa: B008
    annotator: str | None = None,
) -> SearchResult:
    """Spans of `annotator`'s sets (accepted and suggested) that answer `query`, in order."""
    hits: list[Hit] = []
    articles = 0
    for article_id in article_ids:
        aset = project.existing_set(article_id, annotator)
        if aset is None:
            continue
        text = project.text(article_id) if query.text.strip() else ""
        pending = {s.key for s in aset.suggestions}
        found = [Hit(article_id, s.start, s.end) for s in aset.all_spans()
                 if span_matches(text[s.start:s.end], s, s.key in pending, query, options)]
        if found:
            articles += 1
        hits += found
        if len(hits) > limit:
            return SearchResult(hits[:limit], True, articles)
    return SearchResult(hits, False, articles)


# -- choosing articles ----------------------------------------------------------------
@dataclass(frozen=True, slots=True)
class ArticleFilter:
    """Which articles to list; None means "any". Statuses, labels and entities are looked
    up in `annotator`'s set (the project's annotator when None); naming an annotator also
    keeps only articles that annotator has touched."""

    status: ArticleStatus | None = None
    label: str | None = None
    entity: str | None = None  # kb_id of an accepted span
    annotator: str | None = None
    title: str = ""  # case-insensitive part of the title

    @property
    def active(self) -> bool:
        return any((self.status, self.label, self.entity, self.annotator, self.title.strip()))


def set_matches(aset: AnnotationSet | None, flt: ArticleFilter) -> bool:
    """Does one annotation set (None: never opened) pass the filter's span conditions?"""
    if flt.annotator is not None and (aset is None or not aset.touched):
        return False
    status = aset.status if aset is not None else ArticleStatus.NEW
    if flt.status is not None and status != flt.status:
        return False
    spans = aset.spans if aset is not None else []
    if flt.label is not None and not any(s.label == flt.label for s in spans):
        return False
    return flt.entity is None or any(s.kb_id == flt.entity for s in spans)


def article_matches(project: Project, article_id: str, flt: ArticleFilter) -> bool:
    """Does the article pass the filter (title, status, label, entity, annotator)?"""
    if flt.title.strip():
        title = project.info(article_id).title
        if flt.title.strip().casefold() not in title.casefold():
            return False
    return set_matches(project.existing_set(article_id, flt.annotator), flt)


# -- sort keys ------------------------------------------------------------------------
def status_rank(status: ArticleStatus | str) -> int:
    """new < in progress < done < reviewed."""
    try:
        return _STATUS_ORDER[ArticleStatus(status)]
    except ValueError:
        return len(_STATUS_ORDER)


_DATE_FORMATS = ("%Y-%m-%d", "%d/%m/%Y", "%d-%m-%Y", "%d.%m.%Y", "%Y/%m/%d", "%d/%m/%y")
_DATE_IN_TEXT = re.compile(r"\d{4}-\d{2}-\d{2}")
_DAY_MONTH_YEAR = re.compile(r"(\d{1,2})\s+([^\W\d_]+)\.?\s+(\d{4})")
_MONTHS = {
    name: i + 1
    for names in (
        "januari februari maret april mei juni juli agustus september oktober november desember",
        "january february march april may june july august september october november december",
        "jan feb mar apr mei jun jul agu sep okt nov des",
        "jan feb mar apr may jun jul aug sep oct nov dec",
    )
    for i, name in enumerate(names.split())
}


def parse_date(value: Any) -> date | None:
    """A date from article metadata: ISO dates and datetimes, d/m/Y forms, epoch seconds."""
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, date):
        return value
    if isinstance(value, int | float) and not isinstance(value, bool):
        try:
            return datetime.fromtimestamp(float(value)).date()
        except (OverflowError, OSError, ValueError):
            return None
    if not isinstance(value, str) or not value.strip():
        return None
    text = value.strip()
    try:
        return datetime.fromisoformat(text.replace("Z", "+00:00")).date()
    except ValueError:
        pass
    for fmt in _DATE_FORMATS:
        try:
            return datetime.strptime(text, fmt).date()
        except ValueError:
            continue
    found = _DATE_IN_TEXT.search(text)
    if found:
        try:
            return date.fromisoformat(found.group())
        except ValueError:
            return None
    spelled = _DAY_MONTH_YEAR.search(text)  # "Selasa, 12 September 2023", "13 Sept. 2023"
    if spelled is None:
        return None
    word = spelled.group(2).casefold()
    month = _MONTHS.get(word) or _MONTHS.get(word[:3])
    try:
        return date(int(spelled.group(3)), month, int(spelled.group(1))) if month else None
    except ValueError:
        return None


def date_key(meta: dict[str, Any]) -> tuple[int, str]:
    """Sort key for an article's `meta["date"]`: dated articles first, by date."""
    parsed = parse_date(meta.get("date"))
    return (0, parsed.isoformat()) if parsed else (1, "")
