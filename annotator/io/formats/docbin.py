"""spaCy `DocBin` export (for `spacy train`) and the matching training config.

One Doc per article per annotation set, tokenised by spaCy `blank("id")`. Accepted spans become
`doc.ents` (with `kb_id` when linked); every other token is "O", so the annotation is complete.
A span is aligned to tokens by expansion (as the JSONL export's token range), then whitespace
tokens at its edges are trimmed; a span that covers no token, or that overlaps a span kept
before it once aligned, is left out and reported. `doc.user_data` holds `article_id`,
`annotator`, `title` and (when known) `source`. The bytes are deterministic: spaCy sorts the
string table and the user data is written in a fixed key order.
"""

from __future__ import annotations

import functools
from collections import Counter
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from annotator.core.annotations import AnnotationSet
from annotator.core.model import Article

if TYPE_CHECKING:
    from spacy.language import Language
    from spacy.tokens import Doc, DocBin

EXTENSION = ".spacy"
CONFIG_NAME = "config.cfg"


@dataclass
class DocResult:
    doc: Doc
    labels: list[str] = field(default_factory=list)
    lost: Counter[str] = field(default_factory=Counter)


def make_doc(nlp: Language, article: Article, aset: AnnotationSet) -> DocResult:
    """The Doc of one annotation set with its accepted spans as entities."""
    from spacy.tokens import Span as SpacySpan

    from annotator.nlp.tokens import token_bounds

    doc = nlp.make_doc(article.text)
    result = DocResult(doc)
    ents: list[SpacySpan] = []
    for span in sorted(aset.spans):
        bounds = token_bounds(doc, span.start, span.end)
        if bounds is None:
            result.lost["cover no token"] += 1
            continue
        first, last = bounds
        if ents and ents[-1].end > first:
            result.lost["overlap another span once aligned to tokens"] += 1
            continue
        ents.append(SpacySpan(doc, first, last, label=span.label, kb_id=span.kb_id or ""))
        result.labels.append(span.label)
    doc.ents = ents
    doc.user_data["article_id"] = article.id
    doc.user_data["annotator"] = aset.annotator
    doc.user_data["title"] = article.title
    source = article.meta.get("source")
    if source:
        doc.user_data["source"] = source
    return result


def new_docbin() -> DocBin:
    """An empty DocBin that keeps user data (the default attributes otherwise)."""
    from spacy.tokens import DocBin

    return DocBin(store_user_data=True)


def docbin_bytes(docs: list[Doc]) -> bytes:
    """The DocBin of `docs` (user data kept), serialised."""
    doc_bin = new_docbin()
    for doc in docs:
        doc_bin.add(doc)
    return bytes(doc_bin.to_bytes())


@functools.lru_cache(maxsize=1)
def _base_config() -> str:
    from spacy.cli.init_config import init_config

    config = init_config(lang="id", pipeline=["ner"], optimize="efficiency", gpu=False,
                         pretraining=False, silent=True)
    return str(config.to_str())


def training_config(labels: list[str], train: str = "train.spacy",
                    dev: str = "dev.spacy") -> str:
    """A `spacy train` config for a blank Indonesian `tok2vec` + `ner` pipeline on CPU, from
    spaCy's own `init config` (efficiency, no vectors, nothing pretrained). `paths.train` and
    `paths.dev` name the files beside it (relative: run `spacy train` in that folder, or
    override them with --paths.train / --paths.dev). The NER labels are read from the training
    data; they are listed in a comment at the top."""
    from thinc.api import Config

    config = Config().from_str(_base_config(), interpolate=False)
    config["paths"]["train"] = train
    config["paths"]["dev"] = dev
    header = (
        "# spaCy training config written by `annotator export --format spacy --split`.\n"
        f"# Labels: {', '.join(labels) if labels else '(none)'}\n"
        "# Run: python -m spacy train config.cfg --output model\n"
    )
    return header + config.to_str()
