"""Score a suggestion source against gold data with spaCy's NER scorer (`get_ner_prf`).

Gold is read by `annotator.io.gold` (re-exported here): our JSONL export (also Prodigy-style
or doccano JSONL/JSON; reject and ignore records are skipped; tokens from the record's
"tokens" when valid, else spaCy blank("id")) or a CoNLL-style file (token, TAB or space,
BIO/BIOES tag; tokenised as given). A CoNLL file with `-DOCSTART-` lines is scored per
document, one without per sentence, each predicted on its tokens joined by spaces.
Predictions are aligned to the gold tokens by expansion. `gold_map` renames gold labels to
ours, `pred_map` renames predicted ones (None drops); only the `labels` scored (default: the
gold labels) count, other predictions are counted aside.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from annotator.core.model import Span
from annotator.io.gold import GoldDoc, GoldError, GoldSet, LabelMap, load_gold

__all__ = ["EvalResult", "GoldDoc", "GoldError", "GoldSet", "evaluate_source", "load_gold",
           "make_doc", "make_examples", "score_predictions"]

if TYPE_CHECKING:
    from spacy.tokens import Doc
    from spacy.training import Example
    from spacy.vocab import Vocab

    from annotator.nlp.sources import SuggestionSource

Progress = Callable[[int, int], None]
Cancelled = Callable[[], bool]


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


def doc_entities(doc: Doc, spans: Iterable[Span]) -> tuple[list[Any], int]:
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
        ents, _ = doc_entities(reference, [s for s in doc_gold.spans if s.label in scored])
        reference.set_ents(ents, default="outside")
        mapped = []
        for span in predicted:
            label = pred_map.get(span.label, span.label) if pred_map else span.label
            if label is None or label not in scored:
                result.ignored[span.label] += 1
            elif span.end <= len(doc_gold.text):
                mapped.append(span.with_(label=label))
        guess = make_doc(vocab, doc_gold.text, doc_gold.tokens)
        guess.set_ents(doc_entities(guess, mapped)[0], default="outside")
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
