"""The built-in suggester's findings as features of the learned model.

`rule_features` is a pipeline component that runs the built-in rules and gazetteers on a doc
and writes what they found into each token's `tag_` ("B-PER", "I-GPE", ... or "O"), and
case-blind look-ups in the same resources into `lemma_` (gazetteer name, given name, common
word). The learned CRF reads both next to the word's own features (`annotator.nlp.crf`), so
it starts from what the rules know and learns where to trust them and where not: with few
training sentences it mostly copies the rules, with more it corrects them.

The component keeps no state of its own (the built-in suggester is built once per process
from the shipped resources), so a saved model loads wherever the annotator package does.
"""

from __future__ import annotations

import threading
from collections.abc import Iterable, Iterator
from typing import TYPE_CHECKING, Any

from spacy.language import Language

if TYPE_CHECKING:
    from spacy.tokens import Doc

    from annotator.nlp.builtin import BuiltinSuggester
    from annotator.nlp.wordvec import WordClusters

FACTORY = "annotator_rule_features"
OUTSIDE = "O"
_lock = threading.Lock()
_suggester: BuiltinSuggester | None = None


def shared_suggester() -> BuiltinSuggester:
    """The process-wide built-in suggester over the shipped resources (all its labels)."""
    global _suggester
    with _lock:
        if _suggester is None:
            from annotator.nlp.builtin import BuiltinSuggester

            _suggester = BuiltinSuggester()
        return _suggester


def rule_tags(doc: Doc, suggester: BuiltinSuggester | None = None) -> list[str]:
    """BIO tags of the built-in suggester's spans on the doc's own tokens."""
    from annotator.nlp.builtin import RULER_KEY

    suggester = suggester or shared_suggester()
    for _, proc in suggester.nlp.pipeline:  # the span ruler writes doc.spans["ruler"]
        doc = proc(doc)
    spans = suggester.spans(doc)
    doc.spans.pop(RULER_KEY, None)
    found = [doc.char_span(s.start, s.end, label=s.label, alignment_mode="expand")
             for s in spans]
    return bio_tags(doc, [f for f in found if f is not None])


def bio_tags(doc: Doc, ents: Iterable[Any]) -> list[str]:
    """BIO tags of spaCy spans on the doc's tokens ("B-PER", "I-PER", "O")."""
    tags = [OUTSIDE] * len(doc)
    for ent in ents:
        for i in range(ent.start, ent.end):
            tags[i] = f"{'B' if i == ent.start else 'I'}-{ent.label_}"
    return tags


class Lexical:
    """Case-blind look-ups in the shipped resources: gazetteer names (any case), given names
    and common words. Lower-cased text defeats the rules (they need capitals); these do not."""

    def __init__(self, suggester: BuiltinSuggester) -> None:
        from spacy.matcher import PhraseMatcher

        from annotator.nlp.resources import load_patterns, load_words

        root = suggester.resources
        self.matcher = PhraseMatcher(suggester.nlp.vocab, attr="LOWER")
        by_label: dict[str, list[str]] = {}
        for p in load_patterns(root).patterns:
            if isinstance(p["pattern"], str):
                by_label.setdefault(p["label"], []).append(p["pattern"])
        for label, names in sorted(by_label.items()):
            self.matcher.add(label, list(suggester.nlp.tokenizer.pipe(names)))
        self.first = load_words(root, "first_names.txt")
        self.common = load_words(root, "id_common.txt") | load_words(root, "en_common.txt")

    def tags(self, doc: Doc) -> list[str]:
        """"G<B|I>-LABEL" inside a gazetteer name, else "FIRST", "COMMON" or "" per token."""
        out = ["FIRST" if (low := t.lower_) in self.first else "COMMON" if low in self.common
               else "" for t in doc]
        vocab = doc.vocab
        taken = bytearray(len(doc))
        for match_id, start, end in sorted(self.matcher(doc), key=lambda m: (m[1] - m[2], m[1])):
            if any(taken[start:end]):
                continue
            taken[start:end] = b"\x01" * (end - start)
            label = vocab.strings[match_id]
            for i in range(start, end):
                out[i] = f"G{'B' if i == start else 'I'}-{label}"
        return out


_lexical: Lexical | None = None


def shared_lexical() -> Lexical:
    global _lexical
    suggester = shared_suggester()
    with _lock:
        if _lexical is None:
            _lexical = Lexical(suggester)
        return _lexical


def set_rule_features(doc: Doc, suggester: BuiltinSuggester | None = None) -> Doc:
    """Write `rule_tags` into token.tag_ and the case-blind look-ups into token.lemma_."""
    lexical = shared_lexical().tags(doc)
    for token, tag, lex in zip(doc, rule_tags(doc, suggester), lexical, strict=True):
        token.tag_ = tag
        token.lemma_ = lex
    return doc


class DocByDoc:
    """A pipeline component that takes docs one at a time (`pipe` calls it on each)."""

    def __call__(self, doc: Doc) -> Doc:
        raise NotImplementedError

    def pipe(self, docs: Iterable[Doc], batch_size: int = 64) -> Iterator[Doc]:
        for doc in docs:
            yield self(doc)


class RuleFeatures(DocByDoc):
    """Pipeline component: the built-in suggester's spans as token tags (before the CRF)."""

    def __init__(self, nlp: Language, name: str) -> None:
        self.name = name

    def __call__(self, doc: Doc) -> Doc:
        suggester = shared_suggester()
        with suggester._lock:
            return set_rule_features(doc, suggester)


@Language.factory(FACTORY, assigns=["token.tag", "token.lemma"])
def make_rule_features(nlp: Language, name: str) -> RuleFeatures:
    return RuleFeatures(nlp, name)


CLUSTERS_FACTORY = "annotator_word_clusters"
CLUSTERS_FILE = "clusters.json"


class WordClassFeatures(DocByDoc):
    """Pipeline component: the word classes learned from the project's raw text
    (`annotator.nlp.wordvec`) as token features, coarse in MORPH ("C=12") and fine in DEP
    ("c345"); words without a class get neither. The table is saved with the model."""

    def __init__(self, nlp: Language, name: str) -> None:
        self.name = name
        self.table: WordClusters | None = None

    def __call__(self, doc: Doc) -> Doc:
        if self.table is None:
            return doc
        for token in doc:
            found = self.table.of(token.text)
            if found:
                token.set_morph(f"C={found[0]}")
                token.dep_ = f"c{found[-1]}"
        return doc

    def to_disk(self, path: Any, *, exclude: Iterable[str] = ()) -> None:
        from pathlib import Path

        from annotator.store.atomic import write_json_atomic

        folder = Path(path)
        folder.mkdir(parents=True, exist_ok=True)
        if self.table is not None:
            write_json_atomic(folder / CLUSTERS_FILE, self.table.to_json(), sync=False)

    def from_disk(self, path: Any, *, exclude: Iterable[str] = ()) -> WordClassFeatures:
        from pathlib import Path

        from annotator.nlp.wordvec import load_clusters

        file = Path(path) / CLUSTERS_FILE
        self.table = load_clusters(file) if file.is_file() else None
        return self


@Language.factory(CLUSTERS_FACTORY, assigns=["token.dep", "token.morph"])
def make_word_clusters(nlp: Language, name: str) -> WordClassFeatures:
    return WordClassFeatures(nlp, name)


FEATURE_PIPES = (FACTORY, CLUSTERS_FACTORY)


def prepare(nlp: Language, doc: Doc) -> Doc:
    """Run the pipeline's feature components (rules, word classes) on a doc."""
    for name, proc in nlp.pipeline:
        if name in FEATURE_PIPES:
            doc = proc(doc)
    return doc
