"""Words found with array operations are the words a regex finds; vectors do not depend on the
batch an article is in."""

import random
import re

import numpy as np
from hypothesis import given, settings
from hypothesis import strategies as st

from briefings.config import Related
from briefings.relate import RelateDoc, compiled, vectorize
from briefings.relate.features import WORD, _estimated_zipf, zipf
from briefings.relate.tokens import characters, find, tokenize
from tests.relate.test_relate import load_fixture

SAMPLES = [
    "Hello, World! 3m people, covid19 in 2024; Iran's x",
    "",
    "naïve café ½ 東京 ٣٤ abc_def 12ab34cd 7",
    "line one\nline two\t\ttabs — dashes – and “quotes”",
    "A",
    "99 bottles",
]


def words_by_regex(text: str) -> list[str]:
    return WORD.findall(text.lower())


def words_by_arrays(texts: list[str], limits: list[int] | None = None) -> list[list[str]]:
    found = tokenize(characters(texts), limits)
    out: list[list[str]] = [[] for _ in texts]
    spelled = found.spelled(found.spelling)
    for text, word in zip(found.text.tolist(), spelled, strict=True):
        out[text].append(word.lower())
    return out


def test_words_are_what_the_regex_finds() -> None:
    assert words_by_arrays(SAMPLES) == [words_by_regex(t) for t in SAMPLES]
    assert words_by_arrays(SAMPLES)[0] == [
        "hello", "world", "3", "m", "people", "covid19", "in", "2024", "iran", "s", "x",
    ]  # fmt: skip


def test_a_batch_may_hold_nearly_a_word_per_character() -> None:
    # More words than half the characters: a batch's arrays once had room for no more.
    assert words_by_arrays(["0A"] * 4 + ["1b2c"]) == [["0", "a"]] * 4 + [["1", "b2c"]]


@settings(max_examples=200, deadline=None)
@given(st.lists(st.text(alphabet=st.characters(exclude_characters="\x00")), max_size=6))
def test_any_texts_split_as_the_regex_splits_them(texts: list[str]) -> None:
    # Letters that lower-case to two characters (the dotted capital I) are the one known
    # difference: each word is lower-cased on its own, after splitting.
    texts = [t for t in texts if len(t.lower()) == len(t)]
    assert words_by_arrays(texts) == [words_by_regex(t) for t in texts]


@settings(max_examples=200, deadline=None)
@given(
    st.lists(st.text(alphabet=st.characters(exclude_characters="\x00")), max_size=4),
    st.integers(0, 12),
)
def test_a_text_is_read_up_to_its_limit_as_split_and_join_would_cut_it(
    texts: list[str], limit: int
) -> None:
    texts = [t for t in texts if len(t.lower()) == len(t)]
    cut = [" ".join(t.split(None, limit)[:limit]) for t in texts]
    assert words_by_arrays(texts, [limit] * len(texts)) == [words_by_regex(t) for t in cut]


def test_each_spelling_has_one_hash_the_same_in_any_batch() -> None:
    found = tokenize(characters(["The cat", "the CAT", "x the"]))
    spellings = found.spelled(np.arange(len(found.hashes)))
    assert sorted(spellings) == ["CAT", "The", "cat", "the", "x"]
    assert len(set(found.hashes.tolist())) == 5
    assert found.spelled(found.spelling) == ["The", "cat", "the", "CAT", "x", "the"]
    assert found.text.tolist() == [0, 0, 1, 1, 2, 2]
    alone = tokenize(characters(["CAT"]))
    assert alone.hashes[0] == found.hashes[spellings.index("CAT")]


def test_spellings_that_differ_in_case_are_one_feature() -> None:
    lower, upper = vectorize.featurize(
        [RelateDoc("a", "The Cat", "a cat sat", 0.0), RelateDoc("b", "THE CAT", "A CAT SAT", 0.0)],
        Related(entity_topics=False),
    )
    assert lower.keys.tobytes() == upper.keys.tobytes() and len(lower.keys)
    assert lower.weights.tobytes() == upper.weights.tobytes()


def test_an_articles_vector_does_not_depend_on_its_batch() -> None:
    docs, _ = load_fixture()
    shuffled = docs[:]
    random.Random(7).shuffle(shuffled)
    in_batch = {
        d.slug: f for d, f in zip(shuffled, vectorize.featurize(shuffled, Related()), strict=True)
    }
    for d in docs:
        alone = vectorize.featurize([d], Related())[0]
        assert alone.keys.tobytes() == in_batch[d.slug].keys.tobytes()
        assert alone.weights.tobytes() == in_batch[d.slug].weights.tobytes()


def test_numbers_weigh_what_wordfreq_estimates_for_them() -> None:
    rng = random.Random(5)
    numbers = [str(n) for n in range(0, 2100, 7)] + [
        str(rng.randrange(10**k)) for k in range(1, 13) for _ in range(20)
    ]
    numbers += ["007", "00", "2024", "1999"]
    for number in numbers:
        assert zipf(number) == _estimated_zipf(number), number


# Capitalised phrases as a regex finds them (the definition scan.capitalised implements),
# and whether one starts a sentence.
ENTITY = re.compile(
    r"[A-Z](?<!\w[A-Z])[\w'’-]*(?:[ \t]+(?:(?:of|de|al|bin|van|von|der|la|du)[ \t]+)?[A-Z][\w'’-]*)*"
)
SENTENCE_START = re.compile(r"(?:^|[.!?:;\"“”]\s+|\n)$")
PIECES = [
    "Bank", "of", "England", "de", "der", "Gaulle", "van", "la", "Du", "du", "al", "bin", "X",
    "iPhone", "U.S.", "Iran's", "O’Neil", "Jean-Luc", "3M", "_A", "éA", "ÉCOLE", "a", "the",
    " ", "  ", "\t", "\n", ". ", ".  ", ".   ", ": ", '" ', "” ", "? \n", ",", "\u00a0", "\x1c",
]  # fmt: skip


def phrases_by_regex(text: str) -> list[tuple[int, int, bool]]:
    return [
        (
            m.start(),
            m.end(),
            SENTENCE_START.search(text[max(0, m.start() - 3) : m.start()]) is not None,
        )
        for m in ENTITY.finditer(text)
    ]


def phrases_by_kernel(texts: list[str]) -> list[list[tuple[int, int, bool]]]:
    chars = characters(texts)
    which, starts, ends, first, _ = compiled.capitalised(
        chars.codes, chars.kinds, chars.begins, chars.ends
    )
    found: list[list[tuple[int, int, bool]]] = [[] for _ in texts]
    for t, s, e, f in zip(
        which.tolist(), starts.tolist(), ends.tolist(), first.tolist(), strict=True
    ):
        begin = int(chars.begins[t])
        found[t].append((s - begin, e - begin, f))
    return found


@settings(max_examples=400, deadline=None)
@given(st.lists(st.lists(st.sampled_from(PIECES), max_size=14).map("".join), max_size=4))
def test_capitalised_phrases_are_what_the_regex_finds(texts: list[str]) -> None:
    assert phrases_by_kernel(texts) == [phrases_by_regex(t) for t in texts]


@settings(max_examples=200, deadline=None)
@given(st.lists(st.text(alphabet=st.characters(exclude_characters="\x00")), max_size=4))
def test_capitalised_phrases_in_any_text_are_what_the_regex_finds(texts: list[str]) -> None:
    assert phrases_by_kernel(texts) == [phrases_by_regex(t) for t in texts]


def test_a_phrase_runs_through_connectors_and_stops_at_a_sentence() -> None:
    text = "Talks at the Bank of England began. Bank of the year: de Gaulle met Carl von Ossietzky"
    found = [(text[s:e], first) for s, e, first in phrases_by_kernel([text])[0]]
    assert found == [
        ("Talks", True), ("Bank of England", False), ("Bank", True), ("Gaulle", False),
        ("Carl von Ossietzky", False),
    ]  # fmt: skip


def test_find_says_where_each_value_is_or_would_go() -> None:
    ordered = np.array([2, 5, 5, 9])
    at, found = find(ordered, np.array([5, 1, 9, 10, 6]))
    assert at.tolist() == [1, 0, 3, 4, 3] and found.tolist() == [True, False, True, False, False]
