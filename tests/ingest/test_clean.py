"""What the cleaning after extraction removes, and what it must leave alone."""

import pytest

from briefings.ingest.clean import is_prompt, polish, without_bio
from briefings.ingest.text import extract_text

STORY = [
    "The council voted on Tuesday to close the old bridge to cars after engineers found cracks in two of its piers.",
    "Residents who cross it every day said the detour would add half an hour to their journeys into the city centre.",
    "The mayor said repairs would begin in the spring and that the bridge could reopen to traffic within two years.",
    "Shop owners on the far bank said they feared losing customers while the bridge stays closed to cars.",
]


def test_prompts_around_the_story_are_removed() -> None:
    kept = polish(
        [
            *STORY,
            "Sign up for our daily newsletter. Get the latest news delivered to your inbox.",
            "Like this story? Share it with a friend!",
            "Jane Roe may be reached at jroe@example.com. Follow her on Twitter @jroe.",
        ]
    )
    assert kept == STORY


def test_a_prompt_opened_by_an_emoji_or_emphasis_is_still_a_prompt() -> None:
    assert is_prompt("\U0001f441\ufe0f Register for our new online course, now available!")
    assert is_prompt("_Subscribe to our newsletter_")
    assert is_prompt("\u27a1\ufe0f *Read more about **Modular Monoliths**:*")
    assert not is_prompt("Registered voters went to the polls on Sunday, officials said.")


def test_sentences_about_subscriptions_are_story() -> None:
    line = "Netflix said it had gained 2.4 million subscribers, more than analysts expected."
    assert not is_prompt(line)
    assert not is_prompt("Sign up for a Hulu account for $11.99 a month, and the bundle follows.")


def test_the_headline_repeated_as_first_heading_goes_and_a_trailing_link_list_too() -> None:
    kept = polish(
        [
            "# Bridge to close",
            *STORY,
            "[Council budget approved](https://example.org/a)",
            "- [Ferry fares rise](https://example.org/b) | [Roadworks ahead](https://example.org/c)",
        ],
        title="Bridge to close",
    )
    assert kept == STORY


def test_an_inline_related_box_does_not_cut_the_story_in_two() -> None:
    page = [
        "Bridge to close - City Times",
        "Home",
        "News",
        "Bridge to close",
        STORY[0],
        STORY[1],
        "Related Stories",
        "Ferry fares rise for the third year",
        "Roadworks ahead on the ring road",
        STORY[2],
        STORY[3],
        "Comments",
        "I have crossed that bridge every day for forty years and never saw a crack in it.",
    ]
    article = extract_text("\n".join(page))
    assert article.paragraphs == STORY


def test_sponsored_links_after_the_story_are_not_story() -> None:
    page = [*STORY, "Sponsored", "Ten tricks doctors hate", "You will not believe these homes"]
    assert extract_text("\n".join(page)).paragraphs == STORY


def test_a_japanese_article_is_found_among_its_menus() -> None:
    body = [
        "先日、不正に改造したスマートフォンを販売したとして、商標法違反の疑いで男性が逮捕されたというニュースを耳にしました。",
        "報道によると、今回販売されたのは、いわゆる改造品であり、正規の販売経路を通らずに流通していたとのことです。",
        "商標には、同じ商標が付された商品は同じ提供元のものであることを示す働きがあり、改造品はその信頼を損ないます。",
    ]
    page = [
        "HOME",
        "ブログ",
        "サービスのご案内",
        *body,
        "関連記事",
        "「あずきバー」事件",
        "人気記事",
    ]
    assert extract_text("\n".join(page)).paragraphs == body


def test_a_prompt_near_the_end_takes_its_pitch_with_it() -> None:
    pitch = ["### Pick Six Newsletter", "Get the day's big stories and picks, free every morning."]
    assert polish([*STORY, *pitch]) == STORY


def test_a_trail_and_a_labelled_headline_above_the_story_go() -> None:
    title = "Elm Street bridge closes to cars"
    above = ["# News > Local > Transport", f"# Title: {title}"]
    assert polish([*above, *STORY], title=title) == STORY
    # a section heading that happens to hold ">" stays ("rail" is no crumb's name)
    assert polish(["## Road > rail: why trains win", *STORY]) == [
        "## Road > rail: why trains win",
        *STORY,
    ]


def test_a_themes_filler_text_goes_wherever_it_stands() -> None:
    filler = "Lorem ipsum dolor sit amet, consectetur adipiscing elit, sed do eiusmod tempor."
    assert polish([filler, *STORY, "Lorem Ipsum", filler]) == STORY
    quoted = "Designers call it lorem ipsum: filler text that reads as Latin and means nothing."
    assert polish([*STORY, quoted]) == [*STORY, quoted]  # a story about it keeps its words


def test_leaked_shortcodes_and_paragraphs_of_bare_addresses_go() -> None:
    kept = polish(
        [
            *STORY,
            '[button link="https://example.org/review"]Send us your review[/button] Click here.',
            "Tickets: https://tickets.example.org/final Listen: https://pod.example.org/ep615",
        ]
    )
    assert kept == STORY
    linked = "Read [the council's report](https://example.org/a/very/long/address/of/the/report.pdf) and [the engineers' survey](https://example.org/another/long/address.pdf)."
    assert polish([linked]) == [linked]  # addresses behind link text are not shown: kept


def test_a_table_of_contents_heading_left_without_its_list_goes() -> None:
    story = "The U.S. catering industry generated $72 billion in revenue in 2023, a study found."
    assert polish(["### Table of contents", story, "## What changed", "More story."]) == [
        story,
        "## What changed",
        "More story.",
    ]
    assert polish(["## In this article:", story]) == [story]
    # as the page wrote it, not always as a heading
    assert polish(["Table of Contents", story]) == [story]
    assert polish(["**Table of Contents**", story]) == [story]
    # A contents list that came through whole stays (an editor may want it); so does prose
    # that merely starts with the words.
    whole = ["## Contents", "- Prices", "- Menus", story]
    assert polish(whole) == whole
    assert polish(["Contents of the report were leaked on Monday.", story])[0].startswith(
        "Contents"
    )


def test_a_site_s_disclosure_that_its_links_pay_it_is_not_story() -> None:
    story = "The U.S. catering industry generated $72 billion in revenue in 2023, a study found."
    for disclosure in [
        "Products are chosen independently by our editors. Purchases made through our links "
        "may earn us a commission.",
        "*This post may contain affiliate links.*",
        "As an Amazon affiliate, I earn from qualifying purchases at no extra cost to you.",
    ]:
        assert polish([disclosure, story]) == [story]
    # a report about someone else's commissions is story
    report = "Sellers earn a commission on each sale, the company said in a filing on Monday."
    assert polish([report, story]) == [report, story]


def test_the_site_s_cookie_banner_after_the_story_goes_with_all_after_it() -> None:
    story = [
        f"Paragraph {n} of the story about the council's vote on the bridge." for n in range(6)
    ]
    banner = [
        "Necessary cookies are absolutely essential for the website to function properly.",
        "| Cookie | Duration |\n|---|---|\n| cookielawinfo-checkbox-analytics | 11 months |",
    ]
    assert polish([*story, *banner]) == story
    # a story about cookies says so in its own words, and stays
    about = "Regulators said websites that use cookies must ask before they set them."
    assert polish([*story, about]) == [*story, about]


def test_a_copyright_notice_is_not_story_but_a_story_about_copyright_is() -> None:
    notices = [
        "© Copyright 2004-2025 Jane Roe, John Doe and Riverside Running®. All Rights Reserved.",
        "Copyright © 2023 City Radio.  All rights reserved.  Visit our [terms of use](https://x.example/t).",
        "**© 2026 The Riverside Post**",
        # however long its terms, a line that opens as a notice is one
        "Copyright 1995 - . All rights reserved. The content (including but not limited to text,"
        " photo, multimedia information, etc) published in this site belongs to the Riverside"
        " Post. Without written authorization, such content shall not be republished or used in"
        " any form. Note: Browsers with 1024*768 or higher resolution are suggested for this site.",
    ]
    assert polish([*STORY, *notices]) == STORY
    assert polish([notices[-1], *STORY]) == STORY
    story = [
        *STORY,
        "Copyright Office weighs in on AI training and fair use",  # a headline in a list
        "© A.M. Best Company, used by permission",  # a chart's credit: no year, no notice
        "The court said in 2023 that copyright covers the translation, and the publisher's lawyers"
        " argued that all rights reserved by the author passed to it with the manuscript, a claim"
        " the judges rejected after hearing from both sides and reading the original contract.",
    ]
    assert polish(story) == story


def test_the_site_s_pitch_at_the_end_goes_wherever_it_says_it_in_a_sentence() -> None:
    pitches = [
        "**Catch up on our in-depth coverage of tech and tools, and follow us on Facebook,"
        " Instagram and TikTok to stay up to date.**",
        "Our newsroom is free of charge. Your donations keep it going: donate today.",
    ]
    assert polish([*STORY, *pitches]) == STORY
    # The same words in the story are news, not a pitch.
    middle = "The paper said reader donations rose by a third after it asked readers to support our work."
    story = [STORY[0], middle, *STORY[1:]]
    assert polish(story) == story


def test_a_drop_cap_set_apart_from_its_word_is_joined_to_it() -> None:
    story = "T he Davis Cup Final began on Monday with the new format in Madrid, to mixed reviews."
    assert polish([story]) == [story.replace("T he", "The", 1)]
    # A letter that is a word of its own, or a name, stays apart from what follows.
    for kept in ("R is a language for statistics and graphics, free and open.", "C and C++ APIs"):
        assert polish([kept]) == [kept]


def test_a_photo_gallerys_controls_are_no_part_of_the_story() -> None:
    story = "Officials said the strike spread along the coast on Tuesday, closing three ports."
    gallery = ["Image 1 of / 9", "1 / 23", "Back to Gallery", "View all (23)"]
    assert polish([story, *gallery, story + " More to come."]) == [story, story + " More to come."]
    assert polish(["5/5", story]) == ["5/5", story]  # a review's score is no counter
    # A gallery's captions, each with its place in it, are the gallery's, not the story's.
    captions = [
        f"Photos: The strike Dock workers picket the port of {port} on Tuesday. Hide Caption"
        f" {n} of 30"
        for n, port in enumerate(("Tacoma", "Oakland"), 1)
    ]
    assert polish([*captions, story]) == [story]
    # So is a video player's text: what to watch, and for how long.
    player = (
        "JUST WATCHED The strike at the ports Replay More Videos ... MUST WATCH The strike at the"
        " ports 01:26"
    )
    assert polish([story, player, story + " More to come."]) == [story, story + " More to come."]
    kept = "The strike began at 05:00 and the first ships were turned away by 06:30"
    assert polish([kept]) == [kept]  # times in a sentence are the story's


def test_a_first_sentence_does_not_stop_at_an_abbreviation_or_inside_a_quotation() -> None:
    from briefings.ingest.opening import first_sentence

    for sentence in (
        "Former U.S. ambassador Marie Yovanovitch testified on Friday.",
        "Patrick W. Carlineo Jr., 55, faces up to 10 years in prison.",
        "South Dakota says, 'Meth. We're On It,' and Twitter asks if it is OK.",
    ):
        assert first_sentence(f"{sentence} Then more was said.") == sentence


def test_a_pitch_for_news_alerts_is_no_part_of_the_story() -> None:
    story = "Officials said the strike spread along the coast on Tuesday, closing three ports."
    pitch = "Get breaking news alerts and special reports. The news that matters, delivered."
    rest = [f"{story} Day {n}." for n in range(4)]
    assert polish([story, pitch, *rest]) == [story, *rest]


def test_a_newsletter_s_pitch_to_your_inbox_is_no_part_of_the_story() -> None:
    story = "Officials said the strike spread along the coast on Tuesday, closing three ports."
    rest = [f"{story} Day {n}." for n in range(4)]
    pitch = (
        "*Love ports? Live for ships? The Harbour Post's Dockside newsletter has all the best"
        " stories, delivered right to your inbox. [Sign up now](https://example.com/n) and be"
        " one of the crew.*"
    )
    assert polish([story, pitch, *rest]) == [story, *rest]
    assert polish([story, "The best of Riverside, straight to your inbox", *rest]) == [story, *rest]
    # a story about mail is no pitch
    agent = (
        "By the end of this guide, your agent will search the web and send summaries to your inbox."
    )
    assert agent in polish([story, agent, *rest])


def test_a_guessed_title_cut_at_a_word_says_so_and_leaves_no_phrase_open() -> None:
    from briefings.ingest.opening import trim_title

    sentence = (
        "Mountain View based tech giant Google has announced that Pixel 2 users can take better"
        " images for social media on the their Pixel 2 devices now, thanks to the Visual Core."
    )
    title = trim_title(sentence)
    assert title.endswith("social media…")  # not "... on the"
    assert len(title) <= 121 and sentence.startswith(title.removesuffix("…"))
    assert trim_title("A short headline.") == "A short headline"  # whole: no mark
    assert trim_title("x" * 200) == "x" * 120 + "…"  # one word longer than a headline
    # Not cut where it leaves an aside open or a leading clause alone.
    aside = (
        "Actress Uma Thurman, in long-awaited remarks, has accused embattled Hollywood producer"
        " Harvey Weinstein of forcing himself upon her and of making her perform a stunt."
    )
    assert not trim_title(aside).endswith("remarks")
    leading = (
        "When Google launched its Pixel 2 flagship smartphone last year, it included something"
        " of a surprise: a co-processor for photographs that no other phone had at the time."
    )
    assert not trim_title(leading).endswith("last year")
    whole = (
        "North Korea has fired a ballistic missile, which reportedly passed through Japan's"
        " airspace near Hokkaido before it fell into the Pacific Ocean early on Tuesday."
    )
    assert trim_title(whole) == "North Korea has fired a ballistic missile"


@pytest.mark.parametrize(
    "sentence",
    [
        # "and" joins two things far more often than two clauses
        "Scooped-up electronic communications between pimps and tech-sector employees at"
        " reputable Seattle-based companies such as Microsoft and Amazon is another hit.",
        "A Bastille Day fireworks celebration was shattered by death and mayhem Thursday night"
        " in the southern French city of Nice, officials said.",
        # a last word that leaves the phrase open
        "2018 could see a breakthrough in lunar exploration: China is planning a mission that,"
        " if successful, will see a landing on the far side of the moon.",
        # an aside in brackets left open
        "The Las Vegas shooter, who killed 59 people and injured hundreds more, did so on behalf"
        " of Islamic State (IS, formerly ISIS/ISIL), according to the group.",
    ],
)
def test_a_guessed_title_is_not_cut_inside_a_phrase(sentence: str) -> None:
    from briefings.ingest.opening import trim_title

    title = trim_title(sentence)
    assert title.endswith("…"), title  # no clause boundary to cut at: cut at a word, said so
    assert sentence.startswith(title.removesuffix("…"))


@pytest.mark.parametrize(
    ("opening", "title"),
    [
        # a teaser cut short: its stops are no part of a headline
        (
            "Two people in China have been diagnosed with the plague,...",
            "Two people in China have been diagnosed with the plague",
        ),
        ("Officials said the bridge will close; …", "Officials said the bridge will close"),
        # a quote the title cuts before it closes: no mark left open
        (
            "“A cause for serious concern is the situation in southern Syria, where U.S.-controlled"
            " bandit formations, operating in the 55-kilometer al-Tanf zone, block the camp.",
            "A cause for serious concern is the situation in southern Syria",
        ),
        # a quote closed within it, an abbreviation's stop and an apostrophe stay
        (
            "“We needed to win,” coach Lynn said after the loss.",
            "“We needed to win,” coach Lynn said after the loss",
        ),
        ("'Twas a quiet night in the harbour.", "'Twas a quiet night in the harbour"),
    ],
)
def test_a_guessed_title_leaves_no_teaser_stops_nor_an_open_quote(opening: str, title: str) -> None:
    from briefings.ingest.opening import guessed_title

    assert guessed_title(opening) == title


def test_an_authors_note_ends_the_story_and_what_follows_it_goes() -> None:
    note = "Dallas Robinson is a freelance writer living in Minneapolis."
    cards = ["REINDEER GAMES", "Why Don't You Go Fight For The Reindeer? Sami herders protest."]
    assert without_bio([*STORY, note, *cards]) == STORY
    # A profile introduces its subject early: the story goes on.
    profile = [note.replace(" living in Minneapolis", " who has covered the city"), *STORY]
    assert without_bio(profile) == profile
    # So does a note that runs long: a paragraph of the story, not a note.
    long_note = note[:-1] + ", and " + " ".join(["she covers the council and its budget"] * 12)
    assert without_bio([*STORY, long_note]) == [*STORY, long_note]
