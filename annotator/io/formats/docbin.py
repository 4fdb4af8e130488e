"""spaCy `DocBin` export (for `spacy train`) and the matching training config.

One Doc per exported annotation set, built from the validated JSONL record: spaCy `blank("id")`
tokens split at every span edge, so each accepted span becomes one of `doc.ents` exactly (with
`kb_id` when linked); every other token is "O", so the annotation is complete. A span that
overlaps one kept before it is left out and reported; the Doc is checked to hold every other.
`doc.user_data` holds `article_id`, `annotator`, `title` and (when known) `source`. The bytes
are deterministic: spaCy sorts the string table and the user data is written in a fixed order.
"""

from __future__ import annotations

import functools
from typing import TYPE_CHECKING, Any

from annotator.io.formats.rendered import Rendered
from annotator.io.validate import check_doc

if TYPE_CHECKING:
    from spacy.tokens import DocBin

EXTENSION = ".spacy"
CONFIG_NAME = "config.cfg"


def doc_from_record(vocab: Any, record: dict[str, Any], annotator: str) -> Rendered:
    """The Doc of one validated export record: its tokens (already split at span edges) as
    words, its spans as entities; an entity overlapping one kept before it is left out."""
    from spacy.tokens import Doc
    from spacy.tokens import Span as SpacySpan

    tokens = record["tokens"]
    doc = Doc(vocab, words=[t["text"] for t in tokens], spaces=[bool(t["ws"]) for t in tokens])
    result = Rendered(doc)
    ents: list[SpacySpan] = []
    for span in record["spans"]:
        first, last = span["token_start"], span["token_end"] + 1
        if ents and ents[-1].end > first:
            result.lost["overlap another span"] += 1
            continue
        ents.append(SpacySpan(doc, first, last, label=span["label"],
                              kb_id=span.get("kb_id") or ""))
        result.spans.append(span)
    doc.ents = ents
    if doc.text != record["text"]:
        result.problems.append("the Doc's text is not the article's")
    result.problems += check_doc(doc, [(s["start"], s["end"], s["label"]) for s in result.spans])
    meta = record["meta"]
    doc.user_data["article_id"] = meta["article_id"]
    doc.user_data["annotator"] = annotator
    doc.user_data["title"] = meta["title"]
    if meta.get("source"):
        doc.user_data["source"] = meta["source"]
    return result


def new_docbin() -> DocBin:
    """An empty DocBin that keeps user data (the default attributes otherwise)."""
    from spacy.tokens import DocBin

    return DocBin(store_user_data=True)


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
