"""The built-in Indonesian suggester: spaCy blank("id") + SpanRuler gazetteers + rules."""

from __future__ import annotations

import logging
import threading
from collections.abc import Iterable, Iterator
from itertools import islice
from pathlib import Path
from typing import Any

from spacy.tokens import Doc

from annotator.core.model import Origin, Span
from annotator.nlp.cues import GEO_HEADS, INITIALS_CUES
from annotator.nlp.docview import DocView, GazMatch
from annotator.nlp.lexicon import Lexicon
from annotator.nlp.names import Candidate
from annotator.nlp.ranks import RANK_GAZ, RANK_GUESS
from annotator.nlp.resources import load_patterns, resources_dir
from annotator.nlp.rules import Rules
from annotator.nlp.tokens import make_nlp

log = logging.getLogger(__name__)

RULER_KEY = "ruler"


def resolve_overlaps(candidates: Iterable[Candidate], n_tokens: int) -> list[Candidate]:
    """Keep non-overlapping candidates: longer first, then more trusted; sorted by start."""
    taken = bytearray(n_tokens)
    kept: list[Candidate] = []
    for c in sorted(candidates, key=lambda c: (c.start - c.end, -c.rank, c.start)):
        if any(taken[c.start : c.end]):
            continue
        taken[c.start : c.end] = b"\x01" * (c.end - c.start)
        kept.append(c)
    kept.sort(key=lambda c: c.start)
    return kept


class BuiltinSuggester:
    """Suggests PER, ORG, GPE, LOC, FAC, WEAPON and EVENT spans in Indonesian news text."""

    name = "builtin"

    def __init__(self, resources: Path | None = None, labels: Iterable[str] | None = None,
                 min_rank: int = RANK_GUESS) -> None:
        """Load patterns and word lists from `resources` (default: the project's folder);
        spans ranked below `min_rank` (ranks.RANK_*) go unsuggested."""
        root = resources if resources is not None else resources_dir()
        self.resources = root
        self.labels: frozenset[str] | None = frozenset(labels) if labels is not None else None
        self.min_rank = min_rank
        self.nlp = make_nlp()
        found = load_patterns(root)
        self.problems: list[str] = list(found.problems)
        if found.patterns:  # an empty SpanRuler only warns on every call
            ruler = self.nlp.add_pipe(
                "span_ruler", config={"spans_key": RULER_KEY, "overwrite": True, "validate": True}
            )
            self._add_patterns(ruler, found.patterns, found.sources)
        self.lexicon = Lexicon.load(root)
        self._single: dict[str, str] = {
            p["pattern"].lower(): p["label"]
            for p in found.patterns
            if isinstance(p["pattern"], str) and p["pattern"].isalpha()
        }
        self._lock = threading.Lock()

    def _add_patterns(self, ruler: Any, patterns: list[dict[str, Any]], sources: list[str]) -> None:
        """Add all patterns; if spaCy rejects some, add one by one and report the bad ones."""
        try:
            ruler.add_patterns(patterns)
            return
        except ValueError:
            ruler.clear()
        for pattern, source in zip(patterns, sources, strict=True):
            try:
                ruler.add_patterns([pattern])
            except ValueError as exc:
                problem = f"{source}: pattern rejected by spaCy: {str(exc).strip()}"
                self.problems.append(problem)
                log.warning("suggester resources: %s", problem)

    # -- public API -----------------------------------------------------------------------
    def suggest(self, text: str) -> list[Span]:
        """Suggested spans for one text, sorted, non-overlapping, on token boundaries."""
        return next(self.suggest_many([text]))

    def suggest_many(self, texts: Iterable[str], batch_size: int = 32) -> Iterator[list[Span]]:
        """Suggestions for each text in order; texts go through spaCy in batches."""
        it = iter(texts)
        while batch := list(islice(it, max(1, batch_size))):
            with self._lock:
                results = [self.spans(doc) for doc in self.nlp.pipe(batch, batch_size=batch_size)]
            yield from results

    def spans(self, doc: Doc) -> list[Span]:
        """Suggestions for a Doc that went through this suggester's pipeline."""
        view = DocView(doc, self.lexicon)
        view.set_gazetteer(self._gazetteer(doc, view))
        candidates = [Candidate(m.start, m.end, m.label, RANK_GAZ) for m in view.gaz]
        candidates += Rules(view).run()
        out: list[Span] = []
        for c in resolve_overlaps(candidates, len(doc)):
            if self.labels is not None and c.label not in self.labels:
                continue
            if c.rank < self.min_rank:
                continue
            start = doc[c.start].idx
            last = doc[c.end - 1]
            out.append(Span(start, last.idx + len(last.text), c.label, Origin.SUGGESTED))
        return out

    # -- gazetteer --------------------------------------------------------------------------
    def _gazetteer(self, doc: Doc, view: DocView) -> list[GazMatch]:
        """Ruler matches outside noise lines, longest first, plus capitals-only forms."""
        found = [GazMatch(s.start, s.end, s.label_) for s in doc.spans.get(RULER_KEY, [])]
        for i, word in enumerate(view.words):
            if len(word) > 3 and word.isupper() and word.isalpha():
                label = self._single.get(word.lower())
                if label:
                    found.append(GazMatch(i, i + 1, label))
        taken = bytearray(len(doc))
        kept: list[GazMatch] = []
        for m in sorted(found, key=lambda m: (m.start - m.end, m.start)):
            if any(view.noise[m.start : m.end]) or any(taken[m.start : m.end]):
                continue
            p = view.prev(m.start)
            if p >= 0 and view.lower[p] in INITIALS_CUES:
                m = GazMatch(m.start, m.end, "PER")  # "tersangka berinisial AS"
            elif m.label in ("GPE", "LOC"):
                m = self._with_compass(m, view, taken)
            taken[m.start : m.end] = b"\x01" * (m.end - m.start)
            kept.append(m)
        kept.sort(key=lambda m: m.start)
        return kept

    @staticmethod
    def _with_compass(m: GazMatch, view: DocView, taken: bytearray) -> GazMatch:
        """Extend a place by a capitalised compass word: "Aceh Utara", "Lombok Timur"."""
        end = m.end
        while (
            end < view.n
            and not taken[end]
            and view.lower[end] in GEO_HEADS
            and view.cap(end)
            and not view.titlecase[end]
        ):
            end += 1
        return GazMatch(m.start, end, m.label) if end > m.end else m
