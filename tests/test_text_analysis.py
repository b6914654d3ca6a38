"""Theme suggestions, distinctive terms and excerpts for comments in English and Spanish."""

from __future__ import annotations

import random
import sys
import threading

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from portal.text.excerpts import excerpt
from portal.text.folding import fold, tokens
from portal.text.keywords import ThemeKeywords, suggest_themes
from portal.text.stemming import stem, stem_folded
from portal.text.terms import TermCounter

THEMES = (
    ThemeKeywords(
        "energy",
        ("energy", "power grid", "pipeline"),
        ("energía", "energético", "red eléctrica", "gasoducto"),
    ),
    ThemeKeywords(
        "investment",
        ("two-way investment", "investment", "capital"),
        ("inversión", "inversión en ambos sentidos", "capital"),
    ),
    ThemeKeywords("human-capital", ("human capital", "workforce"), ("capital humano",)),
    ThemeKeywords("telecom", ("telecommunications", "broadband"), ("telecomunicaciones",)),
    ThemeKeywords("customs", ("customs",), ("aduanas",)),
    ThemeKeywords("research", ("research",), ("investigación",)),
    ThemeKeywords("global", ("TPP", "APEC", "G20", "US"), ("TPP", "APEC", "G20", "Estados Unidos")),
)


def codes(text: str, lang: str) -> list[str]:
    return [s.code for s in suggest_themes(text, lang, THEMES)]


# --- words --------------------------------------------------------------------------------------


def test_fold_lowercases_and_strips_accents() -> None:
    assert fold("Energía") == "energia"
    assert fold("INVERSIÓN Ñandú Über") == "inversion nandu uber"


def test_tokens_are_folded_words_without_punctuation() -> None:
    assert tokens("¿Energía, inversión... y G-20?") == ["energia", "inversion", "y", "g20"]
    # Typed in decomposed form (i + combining acute), it is still one word.
    assert tokens("energi\u0301a") == ["energia"]
    assert tokens("2-way 21st-century") == ["2", "way", "21st", "century"]


@pytest.mark.parametrize(
    ("words", "lang"),
    [
        (["energía", "energia", "energías", "Energias"], "es"),
        (["inversión", "inversiones", "inversion"], "es"),
        (["economía", "económico", "económicas"], "es"),
        (["telecommunications", "telecommunication"], "en"),
        (["investment", "investments"], "en"),
    ],
)
def test_inflections_share_a_stem(words: list[str], lang: str) -> None:
    assert len({stem(word, lang) for word in words}) == 1


def test_different_words_keep_different_stems() -> None:
    assert stem("investigación", "es") != stem("inversión", "es")
    assert stem("customers", "en") != stem("customs", "en")


def test_undetermined_language_uses_whichever_stemmer_recognises_the_word() -> None:
    assert stem("energías", "und") == stem("energía", "es")
    assert stem("investments", "und") == stem("investment", "en")


def test_stemming_is_safe_across_threads() -> None:
    # Snowball stemmers keep state between calls; one shared by threads mixes words up.
    rng = random.Random(7)
    stems = ["inversion", "telecomunicacion", "energi", "product", "competitiv", "fronteriz"]
    endings = ["es", "ales", "amente", "aciones", "idades", "istas", "ando"]
    words = [f"{rng.choice(stems)}{n}{rng.choice(endings)}" for n in range(3000)]
    expected = {word: stem(word, "es") for word in words}
    stem_folded.cache_clear()  # make every thread run the stemmer, not read the cache
    previous = sys.getswitchinterval()
    sys.setswitchinterval(1e-6)
    wrong: list[str] = []

    def work(seed: int) -> None:
        for word in random.Random(seed).sample(words, len(words)):
            try:
                if stem(word, "es") != expected[word]:
                    wrong.append(word)
            except Exception:  # a stemmer whose state another thread changed can also raise
                wrong.append(word)

    try:
        threads = [threading.Thread(target=work, args=(n,)) for n in range(8)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
    finally:
        sys.setswitchinterval(previous)
    assert wrong == []


# --- theme suggestions -------------------------------------------------------------------------


@pytest.mark.parametrize(
    "text",
    [
        "La energía es clave.",
        "La energia es clave.",  # typed without the accent
        "Los proyectos energéticos del norte.",
        "ENERGÍAS limpias",
    ],
)
def test_spanish_energy_words_suggest_energy(text: str) -> None:
    assert codes(text, "es") == ["energy"]


@pytest.mark.parametrize("text", ["Las inversiones crecerían.", "Más inversión, por favor."])
def test_spanish_investment_words_suggest_investment(text: str) -> None:
    assert codes(text, "es") == ["investment"]


def test_telecommunications_in_either_language() -> None:
    assert codes("Telecommunications along the corridor.", "en") == ["telecom"]
    assert codes("Las telecomunicaciones en la frontera.", "es") == ["telecom"]


def test_a_spanish_comment_can_use_an_english_keyword() -> None:
    [suggestion] = suggest_themes("El sector de energy storage crece.", "es", THEMES)
    assert suggestion.code == "energy"
    assert suggestion.matched == ("energy",)


def test_language_label_does_not_matter_for_matching() -> None:
    # A comment labelled "en" by mistake, or undetermined, still gets its themes.
    for lang in ("en", "es", "und"):
        assert codes("Más inversión en telecomunicaciones.", lang) == ["investment", "telecom"]


@pytest.mark.parametrize("text", ["The tpp and apec", "TPP and APEC", "Tpp, Apec"])
def test_acronyms_match_in_any_case(text: str) -> None:
    [suggestion] = suggest_themes(text, "en", THEMES)
    assert suggestion.matched == ("TPP", "APEC")


def test_g20_written_with_a_hyphen() -> None:
    assert suggest_themes("At the G-20 summit", "en", THEMES)[0].matched == ("G20",)


def test_phrase_keywords_need_their_words_in_order() -> None:
    assert codes("We want two-way investment.", "en") == ["investment"]
    [s] = suggest_themes("We want two-way investment.", "en", THEMES)
    assert s.matched == ("two-way investment",)
    # The words of the phrase out of order: only the single keyword "investment" matches.
    [s] = suggest_themes("investment in two ways", "en", THEMES)
    assert s.matched == ("investment",)
    assert codes("el capital humano", "es") == ["human-capital"]
    # Same words, wrong order: not the phrase.
    assert codes("humano capital", "es") == ["investment"]


def test_a_phrase_owns_its_words() -> None:
    # "capital" alone belongs to investment, but inside "human capital" it is human capital.
    assert codes("Human capital is what factories lack.", "en") == ["human-capital"]
    both = suggest_themes("Human capital and venture capital.", "en", THEMES)
    assert {s.code: s.matched for s in both} == {
        "human-capital": ("human capital",),
        "investment": ("capital",),
    }


def test_a_pronoun_is_not_a_country() -> None:
    assert codes("Please help us export more.", "en") == []
    # In a Spanish comment "US" can only mean the country.
    assert codes("Exportamos a US cada semana.", "es") == ["global"]


def test_unrelated_look_alike_words_do_not_match() -> None:
    assert codes("Our customers want faster research.", "en") == ["research"]
    assert codes("La investigación universitaria.", "es") == ["research"]


def test_score_counts_distinct_keywords_more_than_repetition() -> None:
    one = suggest_themes("energy", "en", THEMES)[0].score
    twice = suggest_themes("energy energy", "en", THEMES)[0].score
    four = suggest_themes("energy energy energy energy", "en", THEMES)[0].score
    distinct = suggest_themes("energy and a pipeline", "en", THEMES)[0].score
    assert one == 1.0
    assert one < twice < distinct
    assert twice == pytest.approx(1.5)
    assert four == pytest.approx(2.0)


def test_inflections_of_one_keyword_count_as_repetitions() -> None:
    [s] = suggest_themes("energía, energías y más energia", "es", THEMES)
    assert s.matched == ("energía",)
    assert s.score == pytest.approx(1 + 0.5 * 1.585, abs=1e-3)  # 3 mentions


def test_the_same_keyword_in_both_lists_counts_once() -> None:
    [s] = suggest_themes("APEC", "und", THEMES)
    assert s.matched == ("APEC",)
    assert s.score == 1.0


def test_one_word_matched_by_both_languages_counts_once_in_the_comments_language() -> None:
    # "capital" is a keyword in both lists of the investment theme.
    [english] = suggest_themes("capital", "en", THEMES)
    assert english.score == 1.0
    assert suggest_themes("capital", "es", THEMES)[0].score == 1.0


def test_suggestions_sorted_by_score_then_code() -> None:
    text = "Energy, the power grid and pipelines; also telecommunications."
    result = suggest_themes(text, "en", THEMES)
    assert [s.code for s in result] == ["energy", "telecom"]
    assert result[0].score > result[1].score
    assert result[0].matched == ("energy", "power grid", "pipeline")


def test_min_score_filters_weak_themes() -> None:
    text = "Energy, pipelines and telecommunications."
    assert [s.code for s in suggest_themes(text, "en", THEMES, min_score=1.5)] == ["energy"]


def test_no_keywords_no_suggestions() -> None:
    assert suggest_themes("", "en", THEMES) == []
    assert suggest_themes("Nothing relevant here.", "en", THEMES) == []
    assert suggest_themes("energy", "en", []) == []


def test_themes_with_list_keywords_are_accepted() -> None:
    theme = ThemeKeywords("ports", ["port", "harbour"], ["puerto"])  # type: ignore[arg-type]
    assert [s.code for s in suggest_themes("Los puertos", "es", [theme])] == ["ports"]


# --- distinctive terms --------------------------------------------------------------------------


def feed(counter: TermCounter) -> None:
    for i in range(30):
        counter.add(f"Energy prices and the power grid, {i}.", "en", ["energy"])
        counter.add("La energía y la red eléctrica son caras.", "es", ["energy"])
        counter.add("Border crossings take hours for trucks.", "en", ["border"])
        counter.add("Los cruces fronterizos tardan horas.", "es", ["border"])
        counter.add("We support the dialogue and its goals.", "en", [])


def test_distinctive_terms_of_a_group() -> None:
    counter = TermCounter()
    feed(counter)
    terms = [t.term for t in counter.distinctive("energy", top=20)]
    assert set(terms) == {
        "energy",
        "prices",
        "power",
        "grid",
        "energía",
        "red",
        "eléctrica",
        "caras",
    }
    border = [t.term for t in counter.distinctive("border", top=10)]
    assert "crossings" in border and "cruces" in border and "energy" not in border


def test_distinctive_terms_leave_out_function_words_and_numbers() -> None:
    counter = TermCounter()
    feed(counter)
    terms = {t.term for t in counter.distinctive("energy", top=50, min_docs=1)}
    assert not terms & {"the", "and", "la", "y", "son", "0", "29"}


def test_words_everyone_uses_are_not_distinctive() -> None:
    counter = TermCounter()
    for _ in range(20):
        counter.add("Trade matters for energy.", "en", ["energy"])
        counter.add("Trade matters for borders.", "en", ["border"])
    terms = {t.term for t in counter.distinctive("energy")}
    assert terms == {"energy"}


def test_readable_forms_not_stems() -> None:
    counter = TermCounter()
    for _ in range(5):
        counter.add("Las inversiones y la inversión; TPP.", "es", ["g"])
        counter.add("Otra cosa.", "es", [])
    terms = [t.term for t in counter.distinctive("g")]
    assert "inversiones" in terms or "inversión" in terms
    assert "TPP" in terms  # written form, not the lowercase stem "tpp"
    assert not any(t in ("invers", "inversion") for t in terms)


def test_scores_rank_frequent_concentrated_words_first() -> None:
    counter = TermCounter()
    for i in range(40):
        groups = ["g"] if i < 20 else []
        words = ["pipeline"] if i < 20 else ["other"]
        if i < 3:
            words.append("rare")  # in few comments of the group only
        if i % 2 == 0:
            words.append("common")  # evenly in and out of the group
        counter.add(" ".join(words), "en", groups)
    result = counter.distinctive("g")
    assert [t.term for t in result][:2] == ["pipeline", "rare"]
    assert result[0].docs == 20 and result[1].docs == 3
    assert result[0].score > result[1].score > 0
    assert "common" not in [t.term for t in result]


def test_one_comment_repeating_a_word_does_not_make_it_distinctive() -> None:
    counter = TermCounter()
    counter.add("tariffs " * 50, "en", ["g"])
    for _ in range(10):
        counter.add("Ports and rail.", "en", ["g"])
        counter.add("Something else.", "en", [])
    terms = [t.term for t in counter.distinctive("g", min_docs=2)]
    assert "tariffs" not in terms
    assert terms[:2] in (["ports", "rail"], ["rail", "ports"])


def test_undetermined_comments_are_stemmed_in_their_likely_language() -> None:
    counter = TermCounter()
    for _ in range(5):
        counter.add("las inversiones de la frontera", "und", ["g"])
        counter.add("la inversión de la frontera", "und", ["g"])
        counter.add("otra cosa", "und", [])
    [first, *_] = counter.distinctive("g")
    assert first.term in ("inversiones", "inversión", "frontera")
    assert first.docs == 10


def test_group_sizes_and_edge_cases() -> None:
    counter = TermCounter()
    assert counter.distinctive("missing") == []
    counter.add("energy grid", "en", ["energy", "energy"])
    counter.add("energy grid", "en", ["energy"])
    assert counter.documents == 2
    assert counter.group_size("energy") == 2
    # A group holding every comment has nothing to stand out against.
    assert counter.distinctive("energy", min_docs=1) == []


# --- excerpts -----------------------------------------------------------------------------------

LONG = (
    "Thank you for the opportunity to comment. Our company moves freight between Monterrey and "
    "Dallas. Truck crossings at Laredo still take hours; pre-clearance would cut costs. "
    "Energy trade needs compatible grid standards and faster permits. We also ask for "
    "investment in rail. Finally, the U.S. and Mexico should coordinate in APEC."
)


def test_excerpt_starts_at_the_first_sentence_with_a_term() -> None:
    quote = excerpt(LONG, ["energy"], max_chars=120)
    assert quote.startswith("Energy trade needs")
    assert quote.endswith("We also ask for investment in rail.")
    assert len(quote) <= 120


def test_excerpt_finds_inflected_terms_in_either_language() -> None:
    text = "Primero, saludos. Las inversiones en la frontera son urgentes. Gracias."
    assert excerpt(text, ["inversión"], max_chars=50) == (
        "Las inversiones en la frontera son urgentes."
    )


def test_excerpt_adds_earlier_sentences_when_later_ones_do_not_fit() -> None:
    text = "Short intro. Ports matter. Then comes a sentence far too long to fit as well."
    assert excerpt(text, ["ports"], max_chars=30) == "Short intro. Ports matter."


def test_excerpt_without_a_term_starts_at_the_beginning() -> None:
    assert excerpt(LONG, [], max_chars=45) == "Thank you for the opportunity to comment."
    assert excerpt(LONG, ["nothing-here"], max_chars=45).startswith("Thank you")


def test_abbreviations_do_not_end_a_sentence() -> None:
    quote = excerpt(LONG, ["APEC"], max_chars=80)
    assert quote == "Finally, the U.S. and Mexico should coordinate in APEC."


def test_a_long_sentence_is_cut_at_spaces_around_the_term() -> None:
    sentence = " ".join(f"word{i}" for i in range(100)) + " pipeline " + "tail " * 40
    quote = excerpt(sentence, ["pipeline"], max_chars=60)
    assert "pipeline" in quote
    assert len(quote) <= 60
    assert quote in sentence
    # Whole words only at both ends.
    start = sentence.index(quote)
    assert sentence[start - 1] == " "
    assert sentence[start + len(quote)] == " "


def test_whole_short_text_comes_back_unchanged() -> None:
    text = "  Línea uno.\r\n\r\nLínea dos: ¿energía?  "
    assert excerpt(text, ["energía"], max_chars=300) == "Línea uno.\r\n\r\nLínea dos: ¿energía?"


def test_excerpt_of_empty_text() -> None:
    assert excerpt("", ["energy"]) == ""
    assert excerpt("   \n ", ["energy"]) == ""
    with pytest.raises(ValueError):
        excerpt("text", [], max_chars=0)


def test_a_hard_cut_keeps_accents_on_their_letters() -> None:
    text = "e\u0301" * 50  # one 100-character "word" in decomposed form
    quote = excerpt(text, [], max_chars=9)
    assert quote in text
    assert not quote.endswith("e")  # the accent was not cut off its letter


def random_text(rng: random.Random) -> str:
    pieces = [
        "energía", "Energy", "inversiones", "U.S.", "¿Qué?", "¡Sí!", "\n", "\r\n", "  ", "...",
        "e\u0301", "\u200f", "😀", "<b>", "&amp;", "\"", ",", "G-20", "x" * 40, "capital humano",
        "Mr. Smith", "…", "\t", "=SUM(A1)",
    ]  # fmt: skip
    return " ".join(rng.choice(pieces) for _ in range(rng.randint(0, 120)))


def test_excerpt_is_always_an_exact_substring() -> None:
    rng = random.Random(20130502)
    for _ in range(600):
        text = random_text(rng)
        terms = rng.sample(["energy", "inversión", "capital humano", "G20", "smith", "zzz"], 2)
        max_chars = rng.choice([1, 5, 17, 40, 80, 300])
        quote = excerpt(text, terms, max_chars=max_chars)
        assert quote in text, (text, terms, max_chars)
        assert len(quote) <= max_chars
        assert quote == quote.strip()
        if text.strip():
            assert quote, (text, max_chars)


@settings(max_examples=400, deadline=None)
@given(st.text(alphabet=st.sampled_from(list(
    "aeiouAEIOU ñÑáéíóúÁÉÍÓÚüÜçß-.,\n0123456789İﬁŒœ\u0301\u0303\u00a0\u200bΣσς")), max_size=60))
def test_words_cut_from_the_folded_text_are_the_words_folded_one_by_one(text: str) -> None:
    """spans() folds a text once and cuts its words from it: the same words, folded, at the
    same offsets, as folding each word alone (ligatures and combining marks included)."""
    from portal.text.folding import WORD, spans

    assert spans(text) == [(fold(m.group()).replace("-", ""), m.start(), m.end())
                           for m in WORD.finditer(text)]
