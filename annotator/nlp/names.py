"""Title and cue-noun rules: people after titles, names after "Universitas", "kota"."""

from __future__ import annotations

from dataclasses import dataclass

from annotator.nlp import cues
from annotator.nlp.docview import DocView
from annotator.nlp.ranks import RANK_RULE, RANK_WEAK

_PLACE = ("GPE", "LOC")
MAX_CUE_WORDS = max(len(k) for k in [*cues.CAP_CUES, *cues.LOWER_CUES])
_WEAPON_CUES = {
    ("fregat",): "WEAPON",
    ("korvet",): "WEAPON",
    ("kapal", "perang"): "WEAPON",
    ("kapal", "induk"): "WEAPON",
    ("kapal", "selam"): "WEAPON",
    ("kapal", "perusak"): "WEAPON",
    ("rudal",): "WEAPON",
    ("roket",): "WEAPON",
    ("pesawat", "tempur"): "WEAPON",
    ("jet", "tempur"): "WEAPON",
    ("tank",): "WEAPON",
}
LOWER_CUES_ALL = {**cues.LOWER_CUES, **_WEAPON_CUES}
_OFFICE_JOINERS = frozenset({"dan", "&", "urusan", "bidang"})
# Cue nouns that with common words only name a kind, not one thing ("Sekolah Menengah Atas").
_KIND_CUES = frozenset({("sekolah",), ("kelompok",), ("grup",), ("klub",), ("kantor",)})


@dataclass(frozen=True, slots=True)
class Candidate:
    """A proposed entity: token range [start, end), label and how much it is trusted."""

    start: int
    end: int
    label: str
    rank: int


class NameRules:
    """State shared by the rule passes and the passes anchored on titles and cue nouns."""

    def __init__(self, view: DocView) -> None:
        self.v = view
        self.title_tok = [False] * view.n
        self.forced_per = [False] * view.n
        self.out: list[Candidate] = []
        self.defaulted: set[tuple[int, int]] = set()

    def _is_title(self, i: int) -> bool:
        """A title or role word before a name ("Presiden", "juru bicara", "pakar")."""
        v = self.v
        low = v.lower[i]
        if low in cues.LOWER_TITLES and v.words[i].islower():
            return True
        if low not in cues.TITLES:
            return False
        if len(low) <= 2 and low.endswith("."):  # "H." after a name is an initial
            p = v.prev(i)
            return p < 0 or not v.name_like(p)
        return True

    def _titles(self) -> None:
        """Mark title words and suggest the person named after each title phrase."""
        v = self.v
        i = 0
        while i < v.n:
            if v.noise[i] or not self._is_title(i) or self._inside_cue_name(i):
                i += 1
                continue
            j = i + 1
            while j < v.n and (
                self._is_title(j) or (v.lower[j - 1], v.lower[j]) in cues.TITLE_PAIRS
            ):
                j += 1
            for k in range(i, j):
                self.title_tok[k] = True
            self._person_after_title(j)
            i = j

    def _inside_cue_name(self, i: int) -> bool:
        """A title word inside a place or body name: "Jalan Kolonel Sugiono", "Stadion Raja X"."""
        v = self.v
        j = v.prev(i)
        for _ in range(4):
            if j < 0 or not v.cap(j) or v.words[j] == ",":
                return False
            if self._cap_cue(j) and not self._is_title(j):
                return True
            j = v.prev(j)
        return False

    def _person_after_title(self, k: int) -> None:
        """Skip the office ("Luar Negeri", "Rusia", "Kremlin,") and take the name after it."""
        v, lex = self.v, self.v.lex
        steps = 0
        while k < v.n and steps < 10 and not v.newline[k]:
            steps += 1
            g = v.gaz_at[k]
            if v.blank[k]:
                k += 1
            elif g >= 0:
                if v.gaz[g].label == "PER" or v.gaz[g].start != k:
                    break
                k = v.gaz[g].end
            elif self._is_title(k):
                self.title_tok[k] = True
                k += 1
            elif v.cap(k) and (lex.is_first_name(v.words[k]) or lex.is_surname_first(v.words[k])):
                break
            elif v.cap(k) and self._cap_cue(k):
                k = self._extend_name(self._cap_cue(k)[0], office=True)  # "Bank Dunia", "SMA 1"
            elif v.cap(k) and (v.common(k) or v.acronym(k) or v.roman(k)):
                k += 1  # the office: "Luar Negeri", "BUMN"
            elif v.lower[k] in _OFFICE_JOINERS and k + 1 < v.n and v.cap(k + 1):
                k += 1
            elif (v.lower[k],) in cues.LOWER_CUES and k + 1 < v.n and v.cap(k + 1):
                k += 1
                while k < v.n and v.cap(k):
                    k += 1
            else:
                break
        if k < v.n and v.words[k] == ",":
            k += 1
            while k < v.n and v.blank[k] and not v.newline[k]:
                k += 1
        end = self._extend_person(k)
        last = v.lower[end - 1] if end > k else ""
        if last in cues.GEO_HEADS or last in cues.ORG_HEADS:  # "Ketua Menteri Benggala Barat"
            label = "GPE" if last in cues.GEO_HEADS else "ORG"
            self.out.append(Candidate(k, end, label, RANK_WEAK))
            return
        if end > k:
            self.out.append(Candidate(k, end, "PER", RANK_RULE))
            for t in range(k, end):
                self.forced_per[t] = True

    def _extend_person(self, k: int) -> int:
        """End of the personal name starting at k (k itself when there is none)."""
        v = self.v
        start = end = k
        while k < v.n:
            g = v.gaz_at[k]
            if g >= 0 and v.gaz[g].label != "PER":
                break
            if v.name_like(k) and not self.title_tok[k] and not self._is_title(k):
                k += 1
            elif k > start and v.glued_hyphen(k):
                k += 2
            elif k > start and v.roman(k):
                k += 1
            elif (
                k > start
                and v.lower[k] in cues.NAME_PARTICLES
                and k + 1 < v.n
                and (v.name_like(k + 1) or v.glued_hyphen(k + 1))
            ):
                k += 1
                continue
            else:
                break
            end = k
        return end

    # -- capitalised cue nouns --------------------------------------------------------------
    def _cap_cue(self, i: int) -> tuple[int, str, tuple[str, ...]] | None:
        """(end of the cue, its label, the cue words) for a capitalised cue noun at i."""
        v = self.v
        for size in range(MAX_CUE_WORDS, 0, -1):
            key = tuple(v.lower[i : i + size])
            label = cues.CAP_CUES.get(key)
            if label and len(key) == size and all(v.cap(t) for t in range(i, i + size)):
                return i + size, label, key
        return None

    def _cue_runs(self) -> None:
        """Names introduced by a capitalised cue noun, cue included ("Universitas Kookmin")."""
        v = self.v
        for i in range(v.n):
            if v.noise[i] or self.title_tok[i] or not v.cap(i) or v.gaz_at[i] >= 0:
                continue
            found = self._cap_cue(i)
            if (
                found is None
                and v.acronym(i)
                and not v.titlecase[i]
                and v.lower[i] not in cues.NON_ORG_ACRONYMS
            ):
                found = (i + 1, "ORG", ("",))  # "PSS Sleman", "YPI Serang"
            if found is None:
                continue
            start_name, label, key = found
            end = self._extend_name(start_name)
            if end <= start_name:
                continue
            plain = all(
                v.words[t][:1].isalpha() and v.common(t) and v.gaz_at[t] < 0
                for t in range(start_name, end)
            )
            if plain and (v.titlecase[i] or not self._plain_name_ok(key, label)):
                continue  # "Sekolah Menengah Atas" is a kind of school, not a name
            self.out.append(Candidate(i, end, label, RANK_RULE))

    @staticmethod
    def _plain_name_ok(key: tuple[str, ...], label: str) -> bool:
        """May this cue name something with common words only ("PT Sumber Makmur Abadi")?"""
        return key in cues.BODY_CUES or (label in ("ORG", "EVENT") and key not in _KIND_CUES)

    def _extend_name(self, k: int, office: bool = False) -> int:
        """End of an organisation or place name body: capitals, numbers, connectors."""
        v, lex = self.v, self.v.lex
        end = k
        while k < v.n and not v.newline[k]:
            if office and (lex.is_first_name(v.words[k]) or lex.is_surname_first(v.words[k])):
                break
            g = v.gaz_at[k]
            if g >= 0:
                if v.gaz[g].start != k:
                    break
                k = end = v.gaz[g].end
                if v.gaz[g].label in _PLACE and not (
                    k < v.n and (v.lower[k] in cues.GEO_HEADS or v.lower[k] in cues.ORG_SUFFIXES)
                ):
                    break  # "Universitas Indonesia" ends here, "Partai Indonesia Raya" goes on
                continue
            if v.name_like(k) or v.acronym(k) or v.words[k].isdigit():
                if v.lower[k] in cues.NEVER or self.forced_per[k]:
                    break
                k += 1
            elif v.glued_hyphen(k) and end == k:
                k += 2
            elif v.lower[k] in cues.NAME_CONNECTORS and k + 1 < v.n and v.name_like(k + 1):
                k += 1
                continue
            else:
                break
            end = k
        return end
