"""Why two articles are linked: the names and terms they share, as a reader would say them."""

from briefings.config import Related
from briefings.relate.model import RelateDoc
from briefings.relate.vectorize import featurize
from briefings.relate.why import Terms, _distinct, common, names_shared, shared


def terms(title: str, lead: str, tags: tuple[str, ...] = ()) -> Terms:
    """An article's terms, as relating reads them off its vector."""
    return featurize([RelateDoc("a", title, lead, 0.0, tags)], Related())[0].terms


DRONES = terms(
    "Drones from the Alabuga plant hit Kyiv",
    "Russia launched drones made at the Alabuga drone plant in Tatarstan overnight. Officials in "
    "Kyiv said the drone plant had doubled its output, and Iran supplied the design.",
)
SAME = terms(
    "Kyiv hit by Iranian-designed drones",
    "Ukraine said drones built at a drone plant in Alabuga struck Kyiv. The plant, in Tatarstan, "
    "makes the drones under an Iran licence.",
)
OTHER = terms(
    "Wheat prices fall as harvest beats forecasts",
    "Farmers in Kansas brought in a record wheat harvest, and futures fell in Chicago.",
)


def test_names_and_terms_both_articles_hold_are_the_reasons() -> None:
    why = shared(DRONES, SAME)
    assert set(why) == {"Alabuga", "Kyiv", "drones"}  # "drone" and "drones": one stem


def test_articles_that_share_nothing_have_no_reason() -> None:
    assert shared(DRONES, OTHER) == ()


def test_a_word_said_within_a_shared_pair_is_said_once_as_that_pair() -> None:
    a = terms("", "The drone plant grew. A drone plant worker spoke.")
    b = terms("", "Inside the drone plant, output grew.")
    assert shared(a, b) == ("drone plant", "grew")


def test_a_word_said_within_a_name_said_before_is_not_said_again() -> None:
    # (As two articles on weight-loss drugs had it: "Shares: GLP-1, GLP, patients".)
    assert _distinct(["GLP-1", "GLP", "patients", "doses"], 3) == ("GLP-1", "patients", "doses")
    assert _distinct(["Covid-19", "vaccines"], 3) == ("Covid-19", "vaccines")


def test_words_are_spelled_as_written_mid_sentence() -> None:
    found = terms("Talks In Geneva Stall", "Envoys met in Geneva. Talks stalled in Geneva again.")
    assert "Geneva" in found.shown  # capitalised mid-sentence: a name
    assert "talks" in found.shown  # capitalised only at a sentence's start and in the title
    assert "envoys" in found.shown and "stalled" in found.shown
    assert "Geneva Stall" not in found.shown  # only Title Case says so


def test_a_name_is_said_whole_and_not_glued_to_the_word_before_it() -> None:
    found = terms("", "Officials said a mass shooting in Las Vegas left the White House silent.")
    assert "Las Vegas" in found.shown and "White House" in found.shown
    assert not any(s.endswith(" Las") or s.startswith("shooting L") for s in found.shown)
    assert "mass shooting" in found.shown and "officials" in found.shown


def test_a_headline_atop_the_text_does_not_make_its_words_names() -> None:
    found = terms(
        "", "Truck Attack Kills Dozens\nA truck drove into the crowd; the attack killed dozens."
    )
    assert "truck" in found.shown and "attack" in found.shown


def test_articles_alike_in_common_words_say_so() -> None:
    """What made two articles alike is what their link says, even when no word is rare: the
    vector reads pairs of common words ("moving companies"), and so do the reasons."""
    one = terms(
        "Best moving companies in the city",
        "We compared moving companies on price, insurance and reviews from customers who "
        "hired movers this year.",
    )
    other = terms(
        "How to choose among moving companies",
        "Moving companies differ on price and insurance; read reviews before you hire one.",
    )
    assert "moving companies" in shared(one, other)


def test_a_shared_tag_is_a_reason_as_the_editor_wrote_it() -> None:
    one = terms("Wheat harvest", "A record wheat harvest in Kansas.", ("Food Prices",))
    other = terms("Bridge closes", "The old bridge closes to cars.", ("food  prices",))
    assert shared(one, other) == ("Food Prices",)


def test_a_story_says_what_most_of_its_articles_share() -> None:
    assert set(common([DRONES, SAME, OTHER])) == {"Alabuga", "Kyiv", "drones"}
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


def test_a_name_either_article_writes_is_a_shared_name_and_words_are_not() -> None:
    assert names_shared(DRONES, SAME)  # Kyiv, Alabuga
    guide = terms(
        "What is cloud computing?",
        "Cloud computing lets businesses rent servers and storage from providers instead of "
        "running their own infrastructure, paying for the resources they use.",
    )
    other_guide = terms(
        "Cloud computing trends for 2025",
        "More businesses move their infrastructure to cloud computing providers in 2025, renting "
        "servers and storage as resources they pay for by the hour.",
    )
    assert shared(guide, other_guide)  # alike in words...
    assert not names_shared(guide, other_guide)  # ...and in a year, which is no name either
    assert not names_shared(DRONES, OTHER)
    seo = terms("SEO basics", "Good SEO starts with pages that answer what readers search for.")
    more_seo = terms("SEO in 2025", "Our SEO checklist covers titles, links and page speed.")
    assert "SEO" in shared(seo, more_seo) and not names_shared(seo, more_seo)  # an acronym alone


def test_an_acronym_beside_a_common_word_is_no_name() -> None:
    """ "DIY woodworking" mixes capitals and small letters, but in no one word: it names a
    subject, as the acronym alone does (two guides years apart shared it and made a story)."""
    diy = terms(
        "Woodworking projects",
        "These DIY woodworking projects suit a weekend. Each DIY woodworking plan lists its tools.",
    )
    more_diy = terms(
        "More woodworking ideas",
        "Our DIY woodworking ideas start small. Every DIY woodworking idea comes with a plan.",
    )
    assert any("DIY" in w for w in shared(diy, more_diy))
    assert not names_shared(diy, more_diy)
