"""Unit tests of the built-in suggester's rules on short made-up news sentences."""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor

import pytest

from annotator.core.model import Origin, Span
from annotator.nlp import tokenize
from annotator.nlp.builtin import BuiltinSuggester


def found(suggester: BuiltinSuggester, text: str) -> list[tuple[str, str]]:
    """(surface, label) of every suggestion."""
    return [(text[s.start : s.end], s.label) for s in suggester.suggest(text)]


@pytest.mark.parametrize(
    ("text", "name"),
    [
        ("Kemarin Presiden Budi Santoso meresmikan bendungan itu.", "Budi Santoso"),
        ("Menteri Pertanian Rahmat Hidayat mengatakan panen naik.", "Rahmat Hidayat"),
        ("Jurubicara Kremlin, Dmitry Peskov, menolak berkomentar.", "Dmitry Peskov"),
        ("Hal itu disampaikan juru bicara Kementerian Luar Negeri Arif Wibowo.", "Arif Wibowo"),
        ("Kapal itu dipimpin Laksamana Igor Vasilenko dari Armada Utara.", "Igor Vasilenko"),
        (
            "Menurut gubernur wilayah Primorie, Oleg Kozhemyako, kunjungan lancar.",
            "Oleg Kozhemyako",
        ),
        (
            "Wakil Menteri Luar Negeri Korea Selatan Chang Ho-jin memanggil duta besar.",
            "Chang Ho-jin",
        ),
    ],
)
def test_title_cue_makes_a_person_and_is_not_part_of_it(
    suggester: BuiltinSuggester, text: str, name: str
) -> None:
    spans = found(suggester, text)
    assert (name, "PER") in spans
    titles = ("Presiden", "Menteri", "Jurubicara", "juru", "Laksamana", "gubernur", "Wakil")
    assert not any(surface.startswith(titles) for surface, _ in spans)


@pytest.mark.parametrize(
    ("text", "name"),
    [
        ("Hal itu disampaikan Mendikbud Rahmat Santoso di Jakarta.", "Rahmat Santoso"),
        ("Wagub Andi Pratama meninjau lokasi banjir.", "Andi Pratama"),
        ("Kabareskrim Komjen Arif Wibowo memimpin penyelidikan.", "Arif Wibowo"),
        ("Plt Bupati Dedi Kurnia hadir dalam rapat itu.", "Dedi Kurnia"),
    ],
)
def test_abbreviated_offices_are_titles_too(
    suggester: BuiltinSuggester, text: str, name: str
) -> None:
    """Indonesian news shortens offices ("Mendikbud" for the education minister): a title."""
    spans = found(suggester, text)
    assert (name, "PER") in spans
    assert not any(surface.startswith(("Mendikbud", "Wagub", "Kabareskrim", "Plt", "Komjen"))
                   for surface, _ in spans)


def test_office_words_and_country_are_not_in_the_name(suggester: BuiltinSuggester) -> None:
    text = "Menteri Pertahanan Rusia Sergei Shoigu bertemu Kim di Vladivostok."
    assert found(suggester, text) == [
        ("Rusia", "GPE"),
        ("Sergei Shoigu", "PER"),
        ("Kim", "PER"),
        ("Vladivostok", "GPE"),
    ]


@pytest.mark.parametrize(
    ("text", "entity", "label"),
    [
        ("Ia kuliah di Universitas Gadjah Mada sejak 2010.", "Universitas Gadjah Mada", "ORG"),
        (
            "Pernyataan Kementerian Luar Negeri Rusia dibacakan.",
            "Kementerian Luar Negeri Rusia",
            "ORG",
        ),
        ("Saham PT Sumber Makmur Abadi naik tajam.", "PT Sumber Makmur Abadi", "ORG"),
        ("Laporan itu dikutip surat kabar Chosun Ilbo pagi ini.", "Chosun Ilbo", "ORG"),
        ("Pesawat mendarat di pangkalan udara Hmeimim kemarin.", "Hmeimim", "FAC"),
        ("Roket diluncurkan dari kosmodrom Vostochny di Amur.", "Vostochny", "FAC"),
        ("Kapal bersandar di Pelabuhan Tanjung Emas kemarin.", "Pelabuhan Tanjung Emas", "FAC"),
        ("Banjir melanda Kabupaten Sukamaju pekan lalu.", "Kabupaten Sukamaju", "GPE"),
        ("Warga kota Sukamaju memprotes kebijakan itu.", "Sukamaju", "GPE"),
        ("Puhgogor adalah desa di kecamatan Bendosari.", "Puhgogor", "GPE"),
        ("Ia singgah di Klaten, Wedi, dan Surakarta.", "Wedi", "GPE"),
        ("Militer Rusia memamerkan jet tempur Su-30MK2 dan F-16.", "Su-30MK2", "WEAPON"),
        ("Militer Rusia memamerkan jet tempur Su-30MK2 dan F-16.", "F-16", "WEAPON"),
        ("KONTAN.CO.ID - SEOUL. Korea Utara menembakkan rudal.", "SEOUL", "GPE"),
    ],
)
def test_cues_gazetteers_and_patterns(
    suggester: BuiltinSuggester, text: str, entity: str, label: str
) -> None:
    assert (entity, label) in found(suggester, text)


def test_noise_lines_get_no_suggestions(suggester: BuiltinSuggester) -> None:
    noise = [
        "Baca Juga: Putin Bertemu Kim Jong Un di Moskow",
        "PUBLISITAS",
        "Kredit gambar: AFP",
        "Reporter: Budi Santoso | Editor: Andi Wijaya",
        "Editor: Nurul Huda",
        "baca juga : Presiden Joko Widodo Kunjungi Jepang",
    ]
    text = "\n".join(noise) + "\nPutin tiba di Moskow pada Senin."
    spans = suggester.suggest(text)
    first_real = text.index("Putin tiba")
    assert spans and all(s.start >= first_real for s in spans)
    assert found(suggester, text) == [("Putin", "PER"), ("Moskow", "GPE")]


@pytest.mark.parametrize(
    "text",
    [
        "Setelah itu rombongan pulang.",
        "Ketika tiba, mereka disambut hangat.",
        "Di sana tidak ada siapa pun.",
        "Menurut laporan itu, harga naik.",
        "Dan hujan pun turun.",
        "Pada akhirnya semua sepakat.",
        "Pertukaran senjata itu memicu kekhawatiran.",
        "Kedua negara membahas kerja sama.",
        "Dikutip dari laporan resmi, angka itu turun.",
        "Pertukaran Senjata Memicu Kekhawatiran Dunia",
        "KERJASAMA YANG MENGKHAWATIRKAN",
        'Ia menyanyikan lagu "Hati Yang Luka" di panggung.',
        "Pandemi Covid-19 mereda pada hari Rabu, 13 September.",
        "Jelang Pilgub nanti, hasil Munas dan Rakernas dibahas lagi.",  # news' portmanteaus
    ],
)
def test_capitalised_common_words_are_not_entities(suggester: BuiltinSuggester, text: str) -> None:
    assert found(suggester, text) == []


def test_sentence_initial_name_is_still_found(suggester: BuiltinSuggester) -> None:
    assert found(suggester, "Kozhemyako mengatakan kunjungan itu penting.") == [
        ("Kozhemyako", "PER")
    ]


def test_offsets_are_code_points_with_emoji(suggester: BuiltinSuggester) -> None:
    text = "🇷🇺👍🏽 Presiden Vladimir Putin 😀 bertemu 🇰🇵 Kim Jong Un di Vladivostok 🚀."
    spans = suggester.suggest(text)
    assert [(text[s.start : s.end], s.label) for s in spans] == [
        ("Vladimir Putin", "PER"),
        ("Kim Jong Un", "PER"),
        ("Vladivostok", "GPE"),
    ]
    assert spans[0].start == text.index("Vladimir")


def test_spans_are_token_aligned_sorted_and_suggested(
    suggester: BuiltinSuggester, seeds: dict[str, str]
) -> None:
    text = next(iter(seeds.values()))
    starts = {s for s, _, _ in tokenize(text)}
    ends = {e for _, e, _ in tokenize(text)}
    spans = suggester.suggest(text)
    assert spans
    for span in spans:
        assert isinstance(span, Span)
        assert span.origin is Origin.SUGGESTED
        assert span.start in starts and span.end in ends
    assert spans == sorted(spans, key=lambda s: (s.start, s.end))


def test_no_overlaps_when_rules_and_gazetteer_compete(suggester: BuiltinSuggester) -> None:
    text = (
        "Presiden Rusia Vladimir Putin dan Kantor Berita Pusat Korea di Pyongyang "
        "menyebut Universitas Federal Timur Jauh serta Dewan Keamanan PBB."
    )
    spans = suggester.suggest(text)
    for a, b in zip(spans, spans[1:], strict=False):
        assert a.end <= b.start
    pairs = [(text[s.start : s.end], s.label) for s in spans]
    assert ("Universitas Federal Timur Jauh", "ORG") in pairs  # longer rule span wins
    assert ("Dewan Keamanan PBB", "ORG") in pairs
    assert ("Kantor Berita Pusat Korea", "ORG") in pairs


def test_suggest_many_matches_suggest(suggester: BuiltinSuggester, seeds: dict[str, str]) -> None:
    texts = list(seeds.values()) + ["", "   \n", "Putin."]
    batched = list(suggester.suggest_many(texts, batch_size=2))
    assert batched == [suggester.suggest(t) for t in texts]
    assert batched[-3:] == [[], [], [Span(0, 5, "PER", Origin.SUGGESTED)]]


def test_suggest_from_worker_threads(suggester: BuiltinSuggester, seeds: dict[str, str]) -> None:
    texts = list(seeds.values()) * 4
    with ThreadPoolExecutor(max_workers=4) as pool:
        results = list(pool.map(suggester.suggest, texts))
    assert results == [suggester.suggest(t) for t in texts]


def test_label_filter() -> None:
    only_people = BuiltinSuggester(labels={"PER"})
    text = "Presiden Vladimir Putin tiba di Moskow bersama Sergei Shoigu."
    assert {s.label for s in only_people.suggest(text)} == {"PER"}
