"""The learned model's folders in a project: models/learned (in use), learned-previous (the
one before) and candidate (trained, not better); saving swaps a folder in atomically."""

from __future__ import annotations

import contextlib
import shutil
import uuid
from pathlib import Path
from typing import TYPE_CHECKING, Any

from annotator.nlp.sources import LEARNED, SpacyPipelineSource, signature_hash
from annotator.store.atomic import read_json, write_json_atomic

if TYPE_CHECKING:
    from spacy.language import Language

MODELS, CANDIDATE, PREVIOUS, SCORES = "models", "candidate", "learned-previous", "scores.json"


def learned_dir(root: Path) -> Path:
    return Path(root) / MODELS / LEARNED


def candidate_dir(root: Path) -> Path:
    return Path(root) / MODELS / CANDIDATE


def save_model(nlp: Language, dest: Path, info: dict[str, Any], *,
               keep_previous: bool = True) -> Path:
    """Write the pipeline and scores.json to a temp folder, then swap it in for `dest`; the
    model it replaces becomes learned-previous (see `retire`), unless not `keep_previous`
    (the same model updated in place: the one before it stays the previous one)."""
    from thinc.api import Config

    dest = Path(dest)
    dest.parent.mkdir(parents=True, exist_ok=True)
    tmp = dest.parent / f".{dest.name}.{uuid.uuid4().hex[:8]}.tmp"
    old = dest.parent / f".{dest.name}.{uuid.uuid4().hex[:8]}.old"
    try:
        nlp.to_disk(tmp)
        config = Config().from_disk(tmp / "config.cfg", interpolate=False)
        config["nlp"]["tokenizer"] = {"@tokenizers": "spacy.Tokenizer.v1"}  # plain spaCy
        config.to_disk(tmp / "config.cfg")
        write_json_atomic(tmp / SCORES, info, indent=True)
        if keep_previous:
            retire(dest)
        elif dest.exists():
            dest.rename(old)
        tmp.rename(dest)
    finally:
        shutil.rmtree(tmp, ignore_errors=True)
        shutil.rmtree(old, ignore_errors=True)
    return dest


def retire(dest: Path) -> None:
    """Move models/learned aside to learned-previous; delete any other existing `dest`."""
    if not dest.exists():
        return
    if dest.name != LEARNED:
        shutil.rmtree(dest)
        return
    previous = dest.parent / PREVIOUS
    shutil.rmtree(previous, ignore_errors=True)
    dest.rename(previous)


def read_scores(folder: Path) -> dict[str, Any] | None:
    """scores.json of a saved model (None when missing or unreadable)."""
    with contextlib.suppress(Exception):
        data = read_json(Path(folder) / SCORES)
        return data if isinstance(data, dict) else None
    return None


class LearnedSource(SpacyPipelineSource):
    """The learned model as a suggestion source; loads in milliseconds on the shared tokenizer."""

    def __init__(self, folder: Path, scores: dict[str, Any]) -> None:
        super().__init__(folder, name=LEARNED)
        self.folder = Path(folder)
        self.scores = scores

    def _load(self) -> Language:
        import spacy

        import annotator.nlp.crf  # noqa: F401  (registers the CRF component)
        import annotator.nlp.features  # noqa: F401  (registers the rule-features component)
        from annotator.nlp.tokens import SHARED_TOKENIZER, shared_pipeline

        try:
            return spacy.load(self.folder, vocab=shared_pipeline().vocab, exclude=["tokenizer"],
                              config={"nlp": {"tokenizer": {"@tokenizers": SHARED_TOKENIZER}}})
        except Exception as exc:
            from annotator.nlp.sources import SourceError

            raise SourceError(f"cannot load the learned model in {self.folder}: {exc}") from exc

    def signature(self) -> str:
        return signature_hash(LEARNED, self.scores.get("model_id"), str(self.folder))


def load_learned(project_root: Path) -> LearnedSource | None:
    """The project's learned model (models/learned, else models/learned-previous), or None."""
    for name in (LEARNED, PREVIOUS):
        folder = Path(project_root) / MODELS / name
        scores = read_scores(folder)
        if scores is not None and (folder / "config.cfg").is_file():
            return LearnedSource(folder, scores)
    return None
