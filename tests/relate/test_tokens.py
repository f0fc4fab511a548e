"""What relating reads of text: words, leads, capitalised names; vectors do not depend on the
batch an article is in."""

import random
import re

import numpy as np
from hypothesis import given, settings
from hypothesis import strategies as st

from briefings.config import Related
from briefings.relate import RelateDoc, vectorize
from briefings.relate.features import (
    ENTITY,
    WORD,
    _estimated_zipf,
    entities,
    starting_phrases,
    zipf,
)
from briefings.relate.tokens import find
from briefings.relate.vocabulary import ENDS_CLAUSE, Vocabulary
from tests.relate.test_relate import load_fixture

SAMPLES = [
    "Hello, World! 3m people, covid19 in 2024; Iran's x",
    "",
    "naïve café ½ 東京 ٣٤ abc_def 12ab34cd 7",
    "line one\nline two\t\ttabs — dashes – and “quotes”",
    "A",
    "99 bottles",
]


@settings(max_examples=300, deadline=None)
@given(st.lists(st.text(), max_size=5))
def test_words_looked_up_by_chunk_are_the_words_a_regex_finds(texts: list[str]) -> None:
    vocabulary = Vocabulary()
    for text in [*texts, *texts]:  # learned, then known
        chunks = text.split()
        numbers, counts, codes = vocabulary.look_up(chunks)
        spelled = {n: w for w, n in vocabulary.number.items()}
        assert [spelled[n] for n in numbers.tolist()] == WORD.findall(text)
        assert [vocabulary.words[n] for n in numbers.tolist()] == WORD.findall(text)
        assert counts.tolist() == [len(WORD.findall(c)) for c in chunks]
        clause = [bool(c & ENDS_CLAUSE) for c in codes.tolist()]
        assert clause == [not c[-1].isalnum() for c in chunks]


def test_words_split_at_apostrophes_and_between_digits_and_letters() -> None:
    assert WORD.findall("Hello, World! 3m people, covid19 in 2024; Iran's x") == [
        "Hello", "World", "3", "m", "people", "covid19", "in", "2024", "Iran", "s", "x",
    ]  # fmt: skip


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


PIECES = [
    "Bank", "of", "England", "de", "der", "Gaulle", "van", "la", "Du", "du", "al", "bin", "X",
    "iPhone", "U.S.", "Iran's", "O’Neil", "Jean-Luc", "3M", "_A", "éA", "ÉCOLE", "a", "the",
    " ", "  ", "\t", "\n", ". ", ".  ", ".   ", ": ", '" ', "” ", "? \n", ",", "\u00a0", "\x1c",
]  # fmt: skip


# A sentence starts at the start, after a new line, or after a full stop, colon or quote and
# spaces: read in the 3 characters before a phrase.
SENTENCE_START = re.compile(r"(?:^|[.!?:;\"“”]\s+|\n)$")


def phrases(text: str) -> list[tuple[str, bool]]:
    """Each capitalised phrase, and whether it starts a sentence."""
    return [
        (m.group(0), SENTENCE_START.search(text[max(0, m.start() - 3) : m.start()]) is not None)
        for m in ENTITY.finditer(text)
    ]


@settings(max_examples=400, deadline=None)
@given(st.lists(st.sampled_from(PIECES), max_size=14).map("".join))
def test_phrases_found_at_a_sentence_start_are_those_whose_start_says_so(text: str) -> None:
    # entities() counts phrases at sentence starts with a second regex, not match by match.
    starting = [phrase for phrase, first in phrases(text) if first]
    assert starting_phrases(text) == starting


@settings(max_examples=200, deadline=None)
@given(st.text())
def test_phrases_at_a_sentence_start_in_any_text(text: str) -> None:
    assert starting_phrases(text) == [phrase for phrase, first in phrases(text) if first]


def test_a_phrase_runs_through_connectors_and_stops_at_a_sentence() -> None:
    text = "Talks at the Bank of England began. Bank of the year: de Gaulle met Carl von Ossietzky"
    assert phrases(text) == [
        ("Talks", True), ("Bank of England", False), ("Bank", True), ("Gaulle", False),
        ("Carl von Ossietzky", False),
    ]  # fmt: skip


def test_names_are_repeated_capitalised_phrases_seen_mid_sentence() -> None:
    body = (
        "Officials in Kazan said on Monday. The Alabuga plant was hit. Drones struck Alabuga "
        "again, and Kazan airport closed. Kazan. Reuters reported it. Monday came."
    )
    assert entities(body) == ("Kazan", "Alabuga")  # most named first; dates and one-offs out


def test_find_says_where_each_value_is_or_would_go() -> None:
    ordered = np.array([2, 5, 5, 9])
    at, found = find(ordered, np.array([5, 1, 9, 10, 6]))
    assert at.tolist() == [1, 0, 3, 4, 3] and found.tolist() == [True, False, True, False, False]


@settings(max_examples=300, deadline=None)
@given(
    st.lists(st.lists(st.sampled_from([0.5, 1.0, 1.5, 2.0, 3.0]), max_size=12), max_size=6),
    st.integers(1, 5),
)
def test_the_heaviest_features_are_those_a_sort_by_score_then_key_keeps(
    docs: list[list[float]], limit: int
) -> None:
    doc = np.array([d for d, scores in enumerate(docs) for _ in scores], np.int64)
    score = np.array([s for scores in docs for s in scores], np.float64)
    expected = sorted(
        i
        for d in range(len(docs))
        for i in sorted(np.flatnonzero(doc == d).tolist(), key=lambda i: (-score[i], i))[:limit]
    )
    assert vectorize._heaviest(len(docs), doc, score, limit).tolist() == expected


def test_place_names_keep_their_first_word_and_i_contractions_are_no_names() -> None:
    body = (
        "I'm writing from New York. Rents in New York rose again, and I've seen New York change. "
        "As I'm told, New Zealand and New York share a problem; I've said so before."
    )
    found = entities(body)
    assert "New York" in found and "York" not in found
    assert not {"I'm", "I've", "Im", "Ive"} & set(found)


def test_what_workers_learn_of_words_comes_back_to_the_process_that_relates() -> None:
    """Articles enough to be featurized in forked workers: what wordfreq said of their words
    is known here after, to be kept with the related index (an edit then needs no wordfreq)."""
    from briefings.relate.features import known_zipf
    from briefings.relate.vectorize import PARALLEL_FROM, featurize, forget_words
    from tests.relate.generated import generate

    forget_words()
    docs = generate(PARALLEL_FROM + 10)
    last = docs[-1]
    docs[-1] = RelateDoc(last.slug, last.title, last.body + " quuxwords", last.timestamp)
    featurize(docs, Related())
    known = known_zipf()
    assert "quuxwords" in known and known["quuxwords"] == 0.0  # the last worker's word
    assert known["the"] == zipf("the")
    forget_words()
