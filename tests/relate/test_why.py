"""Why two articles are linked: the names and terms they share, as a reader would say them."""

from briefings.relate.why import Terms, common, shared, terms

DRONES = terms(
    "Drones from the Alabuga plant hit Kyiv",
    "Russia launched drones made at the Alabuga drone plant in Tatarstan overnight. Officials in "
    "Kyiv said the drone plant had doubled its output, and Iran supplied the design.",
    ("Alabuga", "Kyiv"),
)
SAME = terms(
    "Kyiv hit by Iranian-designed drones",
    "Ukraine said drones built at a drone plant in Alabuga struck Kyiv. The plant, in Tatarstan, "
    "makes the drones under an Iran licence.",
    ("Kyiv", "Alabuga"),
)
OTHER = terms(
    "Wheat prices fall as harvest beats forecasts",
    "Farmers in Kansas brought in a record wheat harvest, and futures fell in Chicago.",
    ("Kansas",),
)


def test_names_and_terms_both_articles_hold_are_the_reasons() -> None:
    why = shared(DRONES, SAME)
    assert why[:2] == ("Alabuga", "Kyiv")
    assert len(why) == 3
    assert why[2].startswith("drone")  # "drone", "drones" or "drone plant": one stem


def test_articles_that_share_nothing_have_no_reason() -> None:
    assert shared(DRONES, OTHER) == ()


def test_a_word_said_within_a_shared_pair_is_said_once_as_that_pair() -> None:
    a = terms("", "The drone plant grew. A drone plant worker spoke.")
    b = terms("", "Inside the drone plant, output grew.")
    assert shared(a, b) == ("drone plant", "grew")


def test_words_are_spelled_as_written_mid_sentence() -> None:
    found = terms("Talks In Geneva Stall", "Envoys met in Geneva. Talks stalled in geneva too.")
    assert "Geneva" in found.shown  # capitalised mid-sentence: a name
    assert "talks" in found.shown  # capitalised only at a sentence's start and in the title
    assert "stall" in found.shown or "stalled" in found.shown


def test_a_story_says_what_most_of_its_articles_share() -> None:
    assert common([DRONES, SAME, OTHER])[:2] == ("Alabuga", "Kyiv")
    assert common([OTHER]) == ()


def test_a_pair_ranked_below_its_own_words_takes_their_place() -> None:
    def held(*shown: str) -> Terms:
        return Terms(tuple(range(len(shown))), shown)

    story = [held("Harbour", "Bridge", "Harbour Bridge", "piers")] * 2
    assert common(story) == ("Harbour Bridge", "piers")


def test_a_name_held_as_a_name_and_as_a_word_is_said_once() -> None:
    a = Terms((1, 2, 3, 4), ("Iran", "drones", "iran", "Kyiv"))
    b = Terms((1, 2, 3, 4), ("Iran", "drones", "Iran", "Kyiv"))
    assert shared(a, b) == ("Iran", "drones", "Kyiv")
    assert shared(a, b, limit=2) == ("Iran", "drones")


def test_terms_come_back_from_the_build_cache_as_they_were() -> None:
    import pickle

    for held in (Terms(), DRONES, Terms((1, 2**55), ("", "drone plant")), Terms((3,), ("a\x1fb",))):
        assert pickle.loads(pickle.dumps(held)) == held
