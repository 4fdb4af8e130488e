"""The learned model's tagger: a linear-chain CRF (python-crfsuite) over token features.

Each token is described by its word (lower-cased, digits as 0), shape, prefixes and
suffixes, what the built-in rules and gazetteers found there (token.tag_ and token.lemma_,
set by `annotator.nlp.features`), its word classes learned from the project's raw text
(token.morph and token.dep_), and the same for its neighbours. On 1,340 NERGrit sentences
it scored 0.728 F1 on held-out ones against 0.677 for the spaCy ner it replaced, and trains
in seconds instead of a minute on two cores (bench/learning_curve.py).

`CrfTagger` is a spaCy pipeline component (after the feature components) that sets
`doc.ents`, so the model saves, loads and suggests like any spaCy pipeline.
"""

from __future__ import annotations

import hashlib
import os
import re
import shutil
import threading
import uuid
import zlib
from collections.abc import Callable, Iterable, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

from spacy.language import Language

from annotator.nlp.features import OUTSIDE, DocByDoc
from annotator.store.atomic import read_json, write_json_atomic

if TYPE_CHECKING:
    from spacy.tokens import Doc, Token

FACTORY = "annotator_crf_ner"
MODEL_FILE, META_FILE = "crf.model", "crf.json"
Features = list[str]
Progress = Callable[[int, int], None]
Cancelled = Callable[[], bool]
_DIGITS = re.compile(r"\d")
_SENTENCE_END = frozenset(".!?")
_NEAR_KEYS = ("w", "sh", "rt", "c1", "c2", "lx", "t")  # of the words right beside
_FAR_KEYS = ("w", "sh", "rt")  # two words away: fewer features, a little better and faster
# L-BFGS is the better trainer on little data (50-200 sentences) and takes a second there;
# from a few hundred sentences on, passive-aggressive training is as good on held-out news
# and four times faster, which keeps learning in the loop within seconds
SMALL_CHARS = 50_000  # about 250 sentences, 15 articles
PLANS = {"lbfgs": 60, "pa": 10}  # algorithm: iterations (passes over the data)
PARAMS = {"lbfgs": {"c1": 0.05, "c2": 0.05, "feature.possible_transitions": True},
          "pa": {"feature.possible_transitions": True}}
ALGORITHM = "pa"
ITERATIONS = PLANS[ALGORITHM]


def plan(chars: int, algorithm: str | None = None, iterations: int | None = None,
         ) -> tuple[str, int]:
    """(algorithm, iterations) for training data of `chars` characters, unless given."""
    chosen = algorithm or ("lbfgs" if chars <= SMALL_CHARS else ALGORITHM)
    return chosen, iterations or PLANS.get(chosen, ITERATIONS)


def shape(text: str) -> str:
    """Character classes with runs collapsed: "Kim" -> "Xx", "2023" -> "d", "A.S." -> "X.X."."""
    out: list[str] = []
    for ch in text:
        kind = "X" if ch.isupper() else "x" if ch.islower() else "d" if ch.isdigit() else ch
        if not out or out[-1] != kind:
            out.append(kind)
    return "".join(out)


def _own(token: Token) -> dict[str, str]:
    if token.is_space:
        return {"w": "<space>", "sh": "_", "rt": OUTSIDE, "lx": "-", "c1": "-", "c2": "-",
                "t": "-"}
    text = token.text
    word = _DIGITS.sub("0", text.lower())
    morph = str(token.morph)
    return {
        "w": word, "sh": shape(text), "p2": word[:2], "p3": word[:3], "s2": word[-2:],
        "s3": word[-3:], "s4": word[-4:], "t": "1" if text[:1].isupper() else "0",
        "rt": token.tag_ or OUTSIDE, "lx": token.lemma_ or "-",
        "c1": morph[2:] if morph.startswith("C=") else "-", "c2": token.dep_ or "-",
        "len": str(min(len(text), 8)),
    }


def token_features(doc: Doc) -> list[Features]:
    """Every token's CRF features (the feature components must have run on the doc)."""
    own = [_own(token) for token in doc]
    starts = [i == 0 or doc[i - 1].is_space or doc[i - 1].text in _SENTENCE_END
              for i in range(len(doc))]
    out: list[Features] = []
    n = len(own)
    for i, mine in enumerate(own):
        feats = [f"{k}={v}" for k, v in mine.items()]
        feats.append("bias")
        if starts[i]:
            feats.append("BOS")
        if i == n - 1:
            feats.append("EOS")
        for d in (-2, -1, 1, 2):
            j = i + d
            if 0 <= j < n:
                other = own[j]
                feats.extend(f"{d}{k}={other[k]}" for k in (_NEAR_KEYS if d in (-1, 1)
                                                             else _FAR_KEYS))
        if i > 0:
            feats.append(f"-1w|w={own[i - 1]['w']}|{mine['w']}")
        if i + 1 < n:
            feats.append(f"w|+1w={mine['w']}|{own[i + 1]['w']}")
        feats.append(f"rt|sh={mine['rt']}|{mine['sh']}")
        out.append(feats)
    return out


def tag_spans(tags: Sequence[str]) -> list[tuple[int, int, str]]:
    """(start, end, label) token ranges of BIO tags; an I- without its B- starts a span."""
    out: list[tuple[int, int, str]] = []
    current: list[Any] | None = None
    for i, tag in enumerate([*tags, OUTSIDE]):
        kind, _, label = tag.partition("-")
        if current is not None and not (kind == "I" and label == current[2]):
            out.append((current[0], i, current[2]))
            current = None
        if kind in ("B", "I") and current is None and label:
            current = [i, i, label]
    return out


def sentence_ranges(doc: Doc) -> list[tuple[int, int]]:
    """Token ranges of the doc's sentences: a new one after . ! ? and at line breaks."""
    out, start = [], 0
    for i, token in enumerate(doc):
        if (token.is_space and "\n" in token.text) or token.text in _SENTENCE_END:
            if i + 1 > start:
                out.append((start, i + 1))
            start = i + 1
    if start < len(doc):
        out.append((start, len(doc)))
    return out


class FeatureCache:
    """Each text's feature rows on disk (zlib-compressed, one file per text) under a folder
    named by `signature` (the feature code, the rules and the word classes), so training
    again, and learning in the loop, reads only the texts it has not seen. Best effort: a
    file that cannot be read or written is computed again."""

    def __init__(self, folder: Path, signature: str) -> None:
        self.root = Path(folder)
        self.folder = self.root / signature

    def _file(self, text: str) -> Path:
        return self.folder / f"{hashlib.sha1(text.encode('utf-8')).hexdigest()[:24]}.z"

    def get(self, text: str) -> list[Features] | None:
        try:
            data = zlib.decompress(self._file(text).read_bytes()).decode("utf-8")
        except (OSError, zlib.error, UnicodeDecodeError):
            return None
        return [row.split("\t") for row in data.split("\n")] if data else []

    def put(self, text: str, rows: list[Features]) -> None:
        file = self._file(text)
        tmp = file.with_suffix(f".{uuid.uuid4().hex[:8]}.tmp")
        data = "\n".join("\t".join(r) for r in rows)
        if data.count("\n") != max(0, len(rows) - 1) or data.count("\t") != sum(
                len(r) - 1 for r in rows):
            return  # a feature with a tab or a line break in it: not cached
        try:
            if not self.folder.is_dir():
                self.prune()
                self.folder.mkdir(parents=True, exist_ok=True)
            tmp.write_bytes(zlib.compress(data.encode("utf-8"), 1))
            os.replace(tmp, file)
        except OSError:
            tmp.unlink(missing_ok=True)

    def prune(self) -> None:
        """Remove the rows of other signatures (older feature code, rules or word classes)."""
        if self.root.is_dir():
            for other in self.root.iterdir():
                if other != self.folder and other.is_dir():
                    shutil.rmtree(other, ignore_errors=True)


def cache_signature(*parts: object) -> str:
    """The feature cache's key: this module's and the rule features' code, plus `parts`
    (the rules' signature, the word classes' key, whether the rules are read)."""
    from annotator.nlp import features

    digest = hashlib.sha1()
    for path in (Path(__file__), Path(features.__file__)):
        digest.update(path.read_bytes())
    digest.update(repr(parts).encode("utf-8"))
    return digest.hexdigest()[:16]


def seed_c_random(seed: int) -> None:
    """Seed the C library's rand(), which crfsuite's passive-aggressive and averaged
    perceptron trainers shuffle the data with: the same data then gives the same model (best
    effort; where the C library cannot be found, training stays unseeded)."""
    import ctypes
    import ctypes.util

    try:
        libc = ctypes.CDLL(ctypes.util.find_library("c") or ctypes.util.find_library("msvcrt"))
        libc.srand(ctypes.c_uint(seed & 0xFFFFFFFF))
    except (OSError, AttributeError, TypeError):
        pass


class TrainingCancelled(Exception):
    """The user cancelled while the CRF was being trained."""


def train_crf(sequences: Iterable[tuple[list[Features], list[str]]], *,
              iterations: int = ITERATIONS, algorithm: str = ALGORITHM,
              params: dict[str, Any] | None = None, progress: Progress | None = None,
              cancelled: Cancelled | None = None, seed: int = 0) -> bytes:
    """Train on (features, tags) sequences; the model file's bytes.

    `iterations` are passes over the data (crfsuite's `algorithm` may stop sooner when it
    converges); `progress` counts them. crfsuite cannot be interrupted: a cancel is noticed
    after the run (TrainingCancelled), at most a few seconds later. The trainers that shuffle
    the data do so from `seed`."""
    import tempfile

    import pycrfsuite

    stop = cancelled or (lambda: False)
    every = max(1, iterations // 200)  # at most about 200 progress reports

    class Trainer(pycrfsuite.BaseTrainer):  # type: ignore[misc]
        def message(self, message: str) -> None:
            if progress and message.startswith("***** Iteration #"):
                done = int(message.split("#")[1].split()[0])
                if done % every == 0 or done >= iterations:
                    progress(min(done, iterations), iterations)

    trainer = Trainer(algorithm=algorithm, verbose=False)
    for features, tags in sequences:
        if stop():
            raise TrainingCancelled
        trainer.append(features, tags)
    defaults = PARAMS.get(algorithm, {"feature.possible_transitions": True})
    trainer.set_params({**defaults, **(params or {}), "max_iterations": iterations})
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / MODEL_FILE
        seed_c_random(seed)
        trainer.train(str(path))
        if stop():
            raise TrainingCancelled
        return path.read_bytes()


class CrfTagger(DocByDoc):
    """Pipeline component: the CRF's entities as `doc.ents` (after the feature components)."""

    def __init__(self, nlp: Language, name: str) -> None:
        self.name = name
        self.model: bytes = b""
        self.labels: list[str] = []
        self._tagger: Any = None
        self._lock = threading.Lock()

    def set_model(self, model: bytes, labels: Sequence[str]) -> None:
        with self._lock:
            self.model, self.labels, self._tagger = model, list(labels), None

    def _tags(self, doc: Doc) -> list[str]:
        import pycrfsuite

        features = token_features(doc)  # the slow part, outside the lock
        with self._lock:
            if self._tagger is None:
                self._tagger = pycrfsuite.Tagger()
                self._tagger.open_inmemory(self.model)
            return list(self._tagger.tag(features))

    def __call__(self, doc: Doc) -> Doc:
        from spacy.tokens import Span as SpacySpan

        if not self.model or not len(doc):
            return doc
        doc.ents = [SpacySpan(doc, start, end, label=label)
                    for start, end, label in tag_spans(self._tags(doc))
                    if not doc[start:end].text.isspace()]
        return doc

    def to_disk(self, path: Any, *, exclude: Iterable[str] = ()) -> None:
        folder = Path(path)
        folder.mkdir(parents=True, exist_ok=True)
        (folder / MODEL_FILE).write_bytes(self.model)
        write_json_atomic(folder / META_FILE, {"labels": self.labels}, sync=False)

    def from_disk(self, path: Any, *, exclude: Iterable[str] = ()) -> CrfTagger:
        folder = Path(path)
        meta = read_json(folder / META_FILE)
        self.set_model((folder / MODEL_FILE).read_bytes(), list(meta.get("labels", [])))
        return self


@Language.factory(FACTORY, assigns=["doc.ents"])
def make_crf_tagger(nlp: Language, name: str) -> CrfTagger:
    return CrfTagger(nlp, name)
