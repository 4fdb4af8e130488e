"""Per-token facts the rules read, computed once per spaCy Doc."""

from __future__ import annotations

import re
from dataclasses import dataclass

from spacy.tokens import Doc

from annotator.nlp.cues import NEVER, NOISE_LINE, ROMAN
from annotator.nlp.lexicon import Lexicon

# A token after one of these starts a sentence (its capital says nothing).
SENTENCE_ENDERS = frozenset({".", "!", "?", ":", ";", "–", "—", "-", "|", "…", "...", "•"})
OPENERS = frozenset({"“", '"', "‘", "'", "(", "[", "«", "„", "*"})
# Small words a headline leaves in lower case ("Kunjungan Kim ke Rusia dan China").
HEADLINE_SMALL = frozenset(
    {"di", "ke", "dari", "dan", "atau", "untuk", "yang", "dengan", "pada", "dalam", "oleh"}
    | {"serta", "vs", "the", "of", "and", "in", "on", "for", "to", "a", "an"}
)
DOMAIN = re.compile(r"^[a-z][\w-]*(?:\.[a-z][\w-]*)*\.(?:com|co|id|net|org|tv|news|go|ac)$", re.I)


@dataclass(frozen=True, slots=True)
class GazMatch:
    """A gazetteer or pattern match: token range and label."""

    start: int
    end: int
    label: str


class DocView:
    """Token texts, line facts and gazetteer cover of one Doc, as plain Python lists."""

    def __init__(self, doc: Doc, lex: Lexicon) -> None:
        self.lex = lex
        self.words: list[str] = []
        self.starts: list[int] = []
        self.spaced: list[bool] = []
        for t in doc:
            self.words.append(t.text)
            self.starts.append(t.idx)
            self.spaced.append(bool(t.whitespace_))
        text = doc.text
        self.lower = [w.lower() for w in self.words]
        self.n = len(self.words)
        self.newline = [w.isspace() and "\n" in w for w in self.words]
        self.blank = [w.isspace() for w in self.words]
        self.line = self._lines()
        lines = self._line_tokens()
        self.noise = [False] * self.n
        self.titlecase = [False] * self.n
        for toks in lines:
            if not toks:
                continue
            line = text[self.starts[toks[0]] : self.starts[toks[-1]] + len(self.words[toks[-1]])]
            noisy = bool(NOISE_LINE.match(line))
            caseless = self._is_title_case([self.words[i] for i in toks])
            for i in toks:
                self.noise[i] = noisy
                self.titlecase[i] = caseless
        self.initial = [self._sentence_initial(i) for i in range(self.n)]
        self.gaz_at = [-1] * self.n
        self.gaz: list[GazMatch] = []

    # -- construction -------------------------------------------------------------------
    def _lines(self) -> list[int]:
        line, out = 0, [0] * self.n
        for i, is_nl in enumerate(self.newline):
            out[i] = line
            if is_nl:
                line += self.words[i].count("\n")
        return out

    def _line_tokens(self) -> list[list[int]]:
        groups: dict[int, list[int]] = {}
        for i in range(self.n):
            if not self.blank[i]:
                groups.setdefault(self.line[i], []).append(i)
        return list(groups.values())

    @staticmethod
    def _is_title_case(words: list[str]) -> bool:
        """Headline-style line: (nearly) every word capitalised, or all in capitals."""
        alpha = [w for w in words if w[:1].isalpha() and len(w) > 1]
        if len(alpha) < 2:
            return False
        upper = sum(1 for w in alpha if w.isupper())
        if upper == len(alpha) and any(len(w) > 3 for w in alpha):
            return True
        content = [w for w in alpha if w[0].islower() and w.lower() not in HEADLINE_SMALL]
        return len(alpha) >= 3 and not content

    def _sentence_initial(self, i: int) -> bool:
        j = i - 1
        while j >= 0 and (self.words[j] in OPENERS or (self.blank[j] and not self.newline[j])):
            j -= 1
        return j < 0 or self.newline[j] or self.words[j] in SENTENCE_ENDERS

    def set_gazetteer(self, matches: list[GazMatch]) -> None:
        """Record the (non-overlapping) gazetteer matches that cover tokens."""
        self.gaz = matches
        self.gaz_at = [-1] * self.n
        for k, m in enumerate(matches):
            for i in range(m.start, m.end):
                self.gaz_at[i] = k

    # -- token predicates ---------------------------------------------------------------
    def unreliable(self, i: int) -> bool:
        """True where a capital letter carries no information (sentence start, headline)."""
        return self.initial[i] or self.titlecase[i]

    def cap(self, i: int) -> bool:
        """Starts with a capital letter."""
        return self.words[i][:1].isupper()

    def name_like(self, i: int) -> bool:
        """Could be a word of a name: capitalised, letters only (dots and apostrophes ok)."""
        w = self.words[i]
        if not w[:1].isupper() or self.lower[i] in NEVER or any(c.isdigit() for c in w):
            return False
        if "." in w[:-1]:  # web sites and abbreviations with inner dots
            return False
        return len(w) > 1 or (i + 1 < self.n and self.words[i + 1] == ".")

    def roman(self, i: int) -> bool:
        """A roman numeral (II, XII)."""
        return bool(ROMAN.match(self.words[i]))

    def acronym(self, i: int) -> bool:
        """An all-capitals word of 2-8 letters or digits."""
        w = self.words[i]
        return 2 <= len(w) <= 8 and w.isupper() and w.isalnum() and w[0].isalpha()

    def domain(self, i: int) -> bool:
        """A web site name such as Tuturpedia.com or KONTAN.CO.ID."""
        return bool(DOMAIN.match(self.words[i]))

    def glued_hyphen(self, i: int) -> bool:
        """A hyphen with no space on either side, followed by a word (Jong-un, Putin-Kim)."""
        return (
            self.words[i] in {"-", "–"}
            and i > 0
            and not self.spaced[i - 1]
            and not self.spaced[i]
            and i + 1 < self.n
            and self.words[i + 1][:1].isalnum()
        )

    def common(self, i: int) -> bool:
        """A common word, not a name (given names are never common here)."""
        w = self.words[i]
        if self.lex.is_first_name(w) or self.lex.is_surname_first(w):
            return False
        return self.lex.is_common(w)

    def prev(self, i: int) -> int:
        """Index of the previous non-blank token on the same line, or -1."""
        j = i - 1
        while j >= 0 and self.blank[j] and not self.newline[j]:
            j -= 1
        return -1 if j < 0 or self.newline[j] else j

    def next(self, i: int) -> int:
        """Index of the next non-blank token on the same line, or -1."""
        j = i + 1
        while j < self.n and self.blank[j] and not self.newline[j]:
            j += 1
        return -1 if j >= self.n or self.newline[j] else j
