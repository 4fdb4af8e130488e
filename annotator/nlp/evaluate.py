"""Score a suggestion source against gold data with spaCy's NER scorer (`get_ner_prf`).

Gold is our JSONL export (also Prodigy-style or doccano JSONL/JSON; reject and ignore records
are skipped; tokens from the record's "tokens" when valid, else spaCy blank("id")) or a
CoNLL-style file (token, TAB or space, BIO/BIOES tag; tokenised as given). A CoNLL file with
`-DOCSTART-` lines is scored per document, one without per sentence, each predicted on its
tokens joined by spaces. Predictions are aligned to the gold tokens by expansion.
`gold_map` renames gold labels to ours, `pred_map` renames predicted ones (None drops); only
the `labels` scored (default: the gold labels) count, other predictions are counted aside.
"""

from __future__ import annotations

import contextlib
import re
from collections import Counter
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

import orjson

from annotator.core.model import Span

if TYPE_CHECKING:
    from spacy.tokens import Doc
    from spacy.training import Example
    from spacy.vocab import Vocab

    from annotator.nlp.sources import SuggestionSource

LabelMap = Mapping[str, str | None]
Progress = Callable[[int, int], None]
Cancelled = Callable[[], bool]
JSON_SUFFIXES = (".jsonl", ".json")
_NONSPACE = re.compile(r"\S+")


class GoldError(Exception):
    """The gold file cannot be read at all; the message names it."""


@dataclass
class GoldDoc:
    """One gold text: its tokens (start, end) in code points and its spans."""

    text: str
    tokens: list[tuple[int, int]]
    spans: list[Span]
    where: str = ""


@dataclass
class GoldSet:
    """Gold documents and the problems met reading them (file:line: message)."""

    docs: list[GoldDoc] = field(default_factory=list)
    issues: list[str] = field(default_factory=list)

    @property
    def labels(self) -> list[str]:
        return sorted({s.label for d in self.docs for s in d.spans})


@dataclass
class EvalResult:
    """spaCy's keys (ents_p, ents_r, ents_f, ents_per_type) plus counts."""

    scores: dict[str, Any]
    docs: int = 0
    gold_spans: int = 0
    predicted: int = 0
    ignored: Counter[str] = field(default_factory=Counter)  # predictions of unscored labels
    source: str = ""
    cancelled: bool = False

    @property
    def f(self) -> float | None:
        return self.scores.get("ents_f")

    def to_json(self) -> dict[str, Any]:
        return {**self.scores, "docs": self.docs, "gold_spans": self.gold_spans,
                "predicted": self.predicted, "ignored": dict(sorted(self.ignored.items())),
                "source": self.source}


# -- gold --------------------------------------------------------------------------------
def load_gold(path: Path, gold_map: LabelMap | None = None) -> GoldSet:
    """Gold documents from a JSONL/JSON export or a CoNLL file; GoldError when unreadable."""
    path = Path(path)
    if not path.is_file():
        raise GoldError(f"no gold file at {path}")
    gold = _load_json(path) if path.suffix.lower() in JSON_SUFFIXES else _load_conll(path)
    if gold_map:
        for doc in gold.docs:
            doc.spans = [s.with_(label=gold_map[s.label]) if s.label in gold_map else s
                         for s in doc.spans if gold_map.get(s.label, s.label) is not None]
    if not gold.docs:
        why = f": {gold.issues[0]}" if gold.issues else ""
        raise GoldError(f"{path} holds no gold documents{why}")
    return gold


def _load_json(path: Path) -> GoldSet:
    from annotator.io.readers import numbered_lines, read_source

    result = read_source(path)
    gold = GoldSet(issues=[str(i) for i in result.issues])
    tokens_at: dict[int, Any] = {}
    if path.suffix.lower() == ".jsonl":
        for number, raw, _ in numbered_lines(path.read_bytes()):
            if b'"tokens"' in raw:
                with contextlib.suppress(orjson.JSONDecodeError):
                    tokens_at[number] = orjson.loads(raw.removeprefix(b"\xef\xbb\xbf"))
    for record in result.records:
        if record.answer in ("reject", "ignore"):
            continue
        obj = tokens_at.get(record.line or 0)
        tokens = _given_tokens(obj.get("tokens") if isinstance(obj, dict) else None, record.text)
        if tokens is None:
            from annotator.nlp.tokens import tokenize

            tokens = [(s, e) for s, e, _ in tokenize(record.text)]
        where = f"{path}:{record.line}" if record.line else str(path)
        gold.docs.append(GoldDoc(record.text, tokens, list(record.spans), where))
    return gold


def _given_tokens(raw: Any, text: str) -> list[tuple[int, int]] | None:
    """The record's own tokens when they are ordered, disjoint ranges inside the text."""
    if not isinstance(raw, list) or not raw:
        return None
    out: list[tuple[int, int]] = []
    last = 0
    for tok in raw:
        start, end = (tok.get("start"), tok.get("end")) if isinstance(tok, dict) else (None, None)
        if not (isinstance(start, int) and isinstance(end, int) and last <= start < end
                <= len(text)):
            return None
        out.append((start, end))
        last = end
    return out


def _load_conll(path: Path) -> GoldSet:
    from annotator.io.formats.conll import DOCSTART, conll_documents, sentence_record
    from annotator.io.readers import BOM, ImportIssue

    try:
        content = path.read_bytes().decode("utf-8").removeprefix(BOM)
    except (OSError, UnicodeDecodeError) as exc:
        raise GoldError(f"{path}: cannot read as UTF-8 text ({exc})") from exc
    issues: list[ImportIssue] = []
    docs = conll_documents(content, path, issues)
    by_document = any(line.split()[:1] == [DOCSTART] for line in content.split("\n"))
    groups = docs if by_document else [[sentence] for doc in docs for sentence in doc]
    gold = GoldSet()
    for sentences in groups:
        record = sentence_record(sentences, path, path.name, issues)
        tokens = [m.span() for m in _NONSPACE.finditer(record.text)]
        gold.docs.append(GoldDoc(record.text, tokens, record.spans, f"{path}:{record.line}"))
    gold.issues = [str(i) for i in issues]
    return gold


# -- docs and examples -------------------------------------------------------------------
def make_doc(vocab: Vocab, text: str, tokens: Sequence[tuple[int, int]]) -> Doc:
    """A Doc with exactly `text` whose tokens include `tokens` (gaps become their own tokens)."""
    from spacy.tokens import Doc

    words: list[str] = []
    spaces: list[bool] = []
    pos = 0
    for start, end in [*tokens, (len(text), len(text))]:
        gap = text[pos:start]
        if gap.startswith(" ") and words:
            spaces[-1] = True
            gap = gap[1:]
        if gap:
            words.append(gap)
            spaces.append(False)
        if end > start:
            words.append(text[start:end])
            spaces.append(False)
        pos = end
    return Doc(vocab, words=words, spaces=spaces)


def _aligned(doc: Doc, spans: Iterable[Span]) -> tuple[list[Any], int]:
    """spaCy spans for ours (expanded to tokens, edge whitespace trimmed, overlaps dropped)."""
    from spacy.tokens import Span as SpacySpan
    from spacy.util import filter_spans

    from annotator.nlp.tokens import token_bounds

    found, lost = [], 0
    for span in spans:
        bounds = token_bounds(doc, span.start, span.end)
        if bounds is not None:
            found.append(SpacySpan(doc, *bounds, label=span.label))
        else:
            lost += 1
    kept = filter_spans(found)
    return kept, lost + len(found) - len(kept)


def make_examples(
    gold: Sequence[GoldDoc], predictions: Iterable[Sequence[Span]], *,
    pred_map: LabelMap | None = None, labels: Iterable[str] | None = None,
) -> tuple[list[Example], EvalResult]:
    """spaCy Examples (predicted, reference) on the gold tokens; the counts in EvalResult."""
    from spacy.training import Example

    from annotator.nlp.tokens import make_nlp

    vocab = make_nlp().vocab
    scored = set(labels) if labels is not None else {s.label for d in gold for s in d.spans}
    result = EvalResult(scores={})
    examples = []
    for doc_gold, predicted in zip(gold, predictions, strict=False):
        reference = make_doc(vocab, doc_gold.text, doc_gold.tokens)
        ents, _ = _aligned(reference, [s for s in doc_gold.spans if s.label in scored])
        reference.set_ents(ents, default="outside")
        mapped = []
        for span in predicted:
            label = pred_map.get(span.label, span.label) if pred_map else span.label
            if label is None or label not in scored:
                result.ignored[span.label] += 1
            elif span.end <= len(doc_gold.text):
                mapped.append(span.with_(label=label))
        guess = make_doc(vocab, doc_gold.text, doc_gold.tokens)
        guess.set_ents(_aligned(guess, mapped)[0], default="outside")
        examples.append(Example(guess, reference))
        result.docs += 1
        result.gold_spans += len(ents)
        result.predicted += len(guess.ents)
    return examples, result


def score_predictions(
    gold: Sequence[GoldDoc], predictions: Iterable[Sequence[Span]], *,
    pred_map: LabelMap | None = None, labels: Iterable[str] | None = None,
) -> EvalResult:
    """P/R/F of predictions (one list per gold doc, in order) with spaCy's `get_ner_prf`."""
    from spacy.scorer import get_ner_prf

    examples, result = make_examples(gold, predictions, pred_map=pred_map, labels=labels)
    result.scores = get_ner_prf(examples)
    return result


def evaluate_source(
    source: SuggestionSource, gold: GoldSet | Sequence[GoldDoc], *,
    pred_map: LabelMap | None = None, labels: Iterable[str] | None = None,
    progress: Progress | None = None, cancelled: Cancelled | None = None,
    batch_size: int = 64,
) -> EvalResult:
    """Run `source` over the gold texts (in batches, cancellable) and score it."""
    docs = list(gold.docs if isinstance(gold, GoldSet) else gold)
    predictions: list[list[Span]] = []
    total = len(docs)
    if progress:
        progress(0, total)
    for offset in range(0, total, batch_size):
        if cancelled and cancelled():
            return EvalResult(scores={}, source=source.name, cancelled=True)
        batch = [d.text for d in docs[offset : offset + batch_size]]
        predictions += source.suggest_many(batch, batch_size)
        if progress:
            progress(min(offset + batch_size, total), total)
    result = score_predictions(docs, predictions, pred_map=pred_map, labels=labels)
    result.source = source.name
    return result


def format_result(result: EvalResult) -> str:
    """The readable table: overall and per label P/R/F, and what was not scored."""
    def num(x: float | None) -> str:
        return "n/a" if x is None else f"{x:.3f}"

    s = result.scores
    per = s.get("ents_per_type") or {}
    width = max([7, *(len(k) for k in per)])
    lines = [f"Source {result.source}: {result.docs} gold document(s), {result.gold_spans} gold "
             f"span(s), {result.predicted} predicted", "",
             f"{'label':<{width}} {'P':>6} {'R':>6} {'F':>6}"]
    lines += [f"{k:<{width}} {num(v['p']):>6} {num(v['r']):>6} {num(v['f']):>6}"
              for k, v in sorted(per.items())]
    lines.append(f"{'overall':<{width}} {num(s.get('ents_p')):>6} {num(s.get('ents_r')):>6} "
                 f"{num(s.get('ents_f')):>6}")
    if result.ignored:
        listed = ", ".join(f"{k} {v}" for k, v in sorted(result.ignored.items()))
        lines += ["", f"Not scored (labels not in the gold): {listed}"]
    return "\n".join(lines)
