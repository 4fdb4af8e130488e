"""Rules over a DocView: capitalised name sequences, lists and consistency in a text."""

from __future__ import annotations

from annotator.nlp import cues
from annotator.nlp.names import (
    LOWER_CUES_ALL,
    MAX_CUE_WORDS,
    Candidate,
    NameRules,
)
from annotator.nlp.ranks import RANK_GUESS, RANK_WEAK

__all__ = ["Candidate", "Rules"]


class Rules(NameRules):
    """Finds rule candidates in one DocView; create one per document."""

    def run(self) -> list[Candidate]:
        """All rule candidates (they may overlap each other and the gazetteer)."""
        self._titles()
        self._cue_runs()
        self._generic_runs()
        self._coordinate()
        self._consistency()
        return [Candidate(c.start, c.end, c.label, RANK_GUESS)
                if (c.start, c.end) in self.defaulted else c for c in self.out]

    def _consistency(self) -> None:
        """Unsure names follow sure mentions in the same text; unsure sentence starts go."""
        v = self.v
        sure: dict[str, str] = {}
        name_words: set[str] = set()
        spans = [(m.start, m.end, m.label) for m in v.gaz]
        spans += [
            (c.start, c.end, c.label) for c in self.out if (c.start, c.end) not in self.defaulted
        ]
        for start, end, label in spans:
            sure.setdefault(" ".join(v.words[start:end]), label)
            if label == "PER":
                name_words.update(
                    v.words[t] for t in range(start, end) if v.name_like(t) and not v.common(t)
                )
        kept: list[Candidate] = []
        for c in self.out:
            if (c.start, c.end) in self.defaulted:
                surface = " ".join(v.words[c.start : c.end])
                words = [v.words[t] for t in range(c.start, c.end) if v.name_like(t)]
                if surface in sure:  # a sure mention of the same name vouches for it
                    c = Candidate(c.start, c.end, sure[surface], c.rank)
                    self.defaulted.discard((c.start, c.end))
                elif words and all(w in name_words for w in words):
                    c = Candidate(c.start, c.end, "PER", c.rank)
                    self.defaulted.discard((c.start, c.end))
                elif c.end - c.start == 1 and v.unreliable(c.start):
                    continue
            kept.append(c)
        self.out = kept

    def _coordinate(self) -> None:
        """Names labelled by default take the label of a neighbour in a list."""
        v = self.v
        known = [(m.start, m.end, m.label) for m in v.gaz]
        known += [
            (c.start, c.end, c.label) for c in self.out if (c.start, c.end) not in self.defaulted
        ]
        by_end = {e: lab for _, e, lab in known}
        by_start = {s: lab for s, _, lab in known}
        for _ in range(3):
            changed = False
            for k, c in enumerate(self.out):
                if (c.start, c.end) not in self.defaulted:
                    continue
                p, n = v.prev(c.start), v.next(c.end - 1)
                if not self._in_list(p, n):
                    continue
                label = None
                if p >= 0 and v.lower[p] in cues.LIST_SEPARATORS and v.prev(p) >= 0:
                    label = by_end.get(v.prev(p) + 1)
                if label is None and n >= 0 and v.lower[n] in cues.LIST_SEPARATORS:
                    label = by_start.get(v.next(n))
                if label and label != c.label and label in ("GPE", "LOC", "ORG", "PER"):
                    self.out[k] = Candidate(c.start, c.end, label, c.rank)
                    self.defaulted.discard((c.start, c.end))
                    by_end[c.end] = by_start[c.start] = label
                    changed = True
            if not changed:
                return

    def _in_list(self, p: int, n: int) -> bool:
        """Between list separators: "A , [X] , B", "A dan [X]" (not "A , [X] mengatakan")."""
        v = self.v
        before = p >= 0 and v.lower[p] in cues.LIST_SEPARATORS
        after = n >= 0 and v.lower[n] in cues.LIST_SEPARATORS
        if before and v.words[p] == ",":
            return after
        return before or after

    # -- generic capitalised sequences ------------------------------------------------------
    def _can_start(self, i: int) -> bool:
        """Can token i start (or continue) a name found by its capital letter alone?"""
        v = self.v
        if not v.name_like(i) or v.roman(i) or len(v.words[i]) < 2:
            return False
        if self.title_tok[i] or v.gaz_at[i] >= 0 or self._cap_cue(i):
            return False
        if v.lower[i] in cues.HONORIFICS:
            return True
        if not v.unreliable(i):
            return True
        if v.common(i):
            return False
        # a given name that is also a word ("Tim SAR", "Indah") starts a sentence: need more
        n = v.next(i)
        return not v.lex.is_common(v.words[i]) or (
            n >= 0 and v.name_like(n) and not v.acronym(n) and not v.common(n)
        )

    def _generic_runs(self) -> None:
        """Capitalised sequences not claimed by the gazetteer, a title or a cue noun."""
        v = self.v
        i = 0
        while i < v.n:
            if v.noise[i]:
                i += 1
                continue
            if v.domain(i):
                self.out.append(Candidate(i, i + 1, "ORG", RANK_WEAK))
                i += 1
                continue
            if not self._can_start(i):
                i += 1
                continue
            end = i + 1
            while end < v.n:
                if v.glued_hyphen(end) and v.gaz_at[end + 1] < 0:
                    end += 2
                elif (
                    v.lower[end] in cues.NAME_PARTICLES
                    and end + 1 < v.n
                    and (self._can_start(end + 1) or v.glued_hyphen(end + 1))
                ):
                    end += 1
                elif v.acronym(end) and not v.acronym(i):
                    break  # "Lachlan Macquarie CB": the acronym is not part of the name
                elif self._can_start(end) or (v.roman(end) and v.cap(end)):
                    end += 1
                else:
                    break
            found = self._classify(i, end)
            if found:
                self.out.append(found)
            i = end

    def _quoted(self, s: int, e: int) -> bool:
        """Inside quotes with only capitalised words or punctuation between (a title)."""
        v = self.v
        p, n = v.prev(s), v.next(e - 1)
        for _ in range(8):
            if p < 0 or v.words[p] in cues.QUOTES:
                break
            if v.words[p][:1].islower():
                return False
            p = v.prev(p)
        for _ in range(8):
            if n < 0 or v.words[n] in cues.QUOTES:
                break
            if v.words[n][:1].islower():
                return False
            n = v.next(n)
        return p >= 0 and n >= 0 and v.words[p] in cues.QUOTES and v.words[n] in cues.QUOTES

    def _classify(self, s: int, e: int) -> Candidate | None:
        """Trim and label a generic capitalised sequence; None when it is not a name."""
        v = self.v
        if self._quoted(s, e):
            return None  # a quoted title of a song, film or book
        while (
            s < e
            and not self.forced_per[s]
            and v.lower[s] not in cues.HONORIFICS
            and (v.common(s) or not v.words[s][:1].isalpha())
        ):
            s += 1  # "Sikap Oyama", "Keluarga Trapp": a capitalised common noun first
        if s >= e:
            return None
        label = self._label(s, e)
        p = v.prev(s)
        if label and p >= 0 and v.words[p] == "The" and not v.initial[p]:
            return Candidate(p, e, "ORG", RANK_WEAK)  # "The Upstairs", "The Dance Company"
        return Candidate(s, e, label, RANK_WEAK) if label else None

    def _lower_cue_before(self, s: int) -> str | None:
        """Label of a lower-case cue noun just before s ("kota Malang", "surat kabar X")."""
        v = self.v
        j = v.prev(s)
        if j >= 0 and v.gaz_at[j] >= 0 and v.gaz[v.gaz_at[j]].label == "GPE":
            j = v.prev(v.gaz[v.gaz_at[j]].start)
        for _ in range(3):  # the cue itself, or up to two modifiers before it
            if j < 0 or v.cap(j):
                return None
            back = [j]
            while len(back) < MAX_CUE_WORDS and v.prev(back[-1]) >= 0:
                back.append(v.prev(back[-1]))
            for size in range(len(back), 0, -1):
                label = LOWER_CUES_ALL.get(tuple(v.lower[t] for t in reversed(back[:size])))
                if label:
                    return label
            if v.lower[j] not in cues.CUE_MODIFIERS:
                return None
            j = v.prev(j)
        return None

    def _cue_after(self, e: int) -> str | None:
        """Label from what follows: "X adalah sebuah desa", "X, seorang penyanyi"."""
        v = self.v
        j = v.next(e - 1)
        if j >= 0 and v.words[j] == "(":
            depth, k = 0, j
            while k < v.n and k - j < 40:
                depth += (v.words[k] == "(") - (v.words[k] == ")")
                if depth == 0:
                    break
                k += 1
            j = v.next(k) if k < v.n else -1
        if j < 0 or not (v.words[j] == "," or v.lower[j] in cues.COPULAS):
            return None
        j = v.next(j)
        person = False
        for _ in range(3):
            if j < 0 or v.lower[j] not in cues.ARTICLES:
                break
            person = person or v.lower[j] == "seorang"
            j = v.next(j)
        if j < 0:
            return None
        low = v.lower[j]
        if person or low in cues.PERSON_NOUNS or low in cues.TITLES:
            return "PER"
        k = v.next(j)
        if k >= 0 and (low, v.lower[k]) in LOWER_CUES_ALL:
            return LOWER_CUES_ALL[(low, v.lower[k])]
        return LOWER_CUES_ALL.get((low,))

    def _label(self, s: int, e: int) -> str | None:
        """Label for a generic capitalised sequence, or None when it is not a name."""
        v, lex = self.v, self.v.lex
        toks = [t for t in range(s, e) if v.words[t][:1].isalpha()]
        words = [v.words[t] for t in toks]
        first, last = words[0], words[-1].lower()
        if all(v.common(t) or v.roman(t) for t in toks):
            return None
        if (
            len(toks) == 1
            and v.acronym(s)
            and (v.lower[s] in cues.NON_ORG_ACRONYMS or v.titlecase[s])
        ):
            return None
        p = v.prev(s)
        if self.forced_per[s] or (v.lower[s] in cues.HONORIFICS and len(toks) > 1):
            return "PER"
        if p >= 0 and v.lower[p] in cues.INITIALS_CUES:
            return "PER"  # "tersangka berinisial AS"
        if p >= 0 and v.lower[p] in cues.NOT_NAME_CUES and v.words[p].islower():
            return None
        cue = self._lower_cue_before(s) or self._cue_after(e)
        if cue:
            return cue
        if lex.is_first_name(first) or (len(toks) > 1 and lex.is_surname_first(first)):
            return "PER"
        if any(len(w) > 4 and cues.SLAVIC_SURNAME.search(w.lower()) for w in words):
            return "PER"
        if len(toks) > 1 and last in cues.ORG_HEADS:
            return "ORG"
        if len(toks) > 1 and last in cues.GEO_HEADS:
            return "GPE"
        if len(toks) == 1 and v.acronym(s):
            return "ORG"
        n = v.next(e - 1)
        if (p >= 0 and v.lower[p] in cues.PERSON_BEFORE) or (
            n >= 0 and v.lower[n] in cues.PERSON_AFTER
        ):
            return "PER"
        if p >= 0 and v.lower[p] in cues.PLACE_PREPS and v.words[p].islower():
            return "GPE"
        self.defaulted.add((s, e))
        return "PER"
