"""Headlines, bylines, outlets, keywords, summaries and page kinds, as the rules choose them."""

import pytest

from briefings.ingest.authors import clean_authors
from briefings.ingest.fields import choose_title, outlet, site_banner, strip_site, tidy_headline
from briefings.ingest.keywords import clean_keywords
from briefings.ingest.kind import doubtful, not_an_article
from briefings.ingest.page import PageFacts
from briefings.ingest.summary import choose_summary

PROSE = (
    "The council voted on Tuesday to close the old bridge to cars after engineers found cracks "
    "in two of its piers, and said repairs would take two years."
)


def test_the_visible_headline_wins_over_a_title_with_the_site_name() -> None:
    title, from_h1 = choose_title(
        ["Bridge closes to cars after cracks found"],
        ["Bridge closes to cars after cracks found | The Daily Planet"],
        "The Daily Planet",
        "dailyplanet.com",
    )
    assert (title, from_h1) == ("Bridge closes to cars after cracks found", True)


@pytest.mark.parametrize(
    ("h1", "headline"),
    [
        ("Best art exhibitions of 2025 \u2013 Artlyst", "Best art exhibitions of 2025"),
        ("Best art exhibitions of 2025 | The Artlyst", "Best art exhibitions of 2025"),
        # a second half that says more than the site's name is the headline's own
        (
            "Review \u2013 Artlyst picks the year's best shows",
            "Review \u2013 Artlyst picks the year's best shows",
        ),
        ("Artlyst \u2013 2025", "Artlyst \u2013 2025"),
    ],
)
def test_the_site_name_after_an_h1_headline_is_cut(h1: str, headline: str) -> None:
    title, from_h1 = choose_title([h1], [f"{h1} - Artlyst"], "Artlyst", "artlyst.com")
    assert (title, from_h1) == (headline, True)


def test_an_h1_that_is_the_site_name_is_passed_over() -> None:
    title, _ = choose_title(
        ["Budget Travel With Gabby", "A guide to travel insurance on a budget"],
        ["A guide to travel insurance on a budget - Budget Travel With Gabby"],
        "Budget Travel With Gabby",
        "budgettravelwithgabby.com",
    )
    assert title == "A guide to travel insurance on a budget"


def test_an_h1_that_shares_only_the_site_name_with_the_title_is_not_the_headline() -> None:
    title, from_h1 = choose_title(
        ["Contact Us", "Return to Riverside Website"],
        ["Elm Street bridge closes to cars \u2013 Riverside Post"],
        "Riverside Post",
        "riversidepost.example",
    )
    assert (title, from_h1) == ("Elm Street bridge closes to cars", False)


def test_an_og_title_that_is_a_teaser_does_not_hide_the_h1_headline() -> None:
    headline = "Paid time off policies: best practices and benefits"
    title, from_h1 = choose_title(
        [headline],
        ["Blog post >> Visit the Paycom blog to learn more", f"{headline} | Paycom Blog", ""],
        "Paycom.com",
        "paycom.com",
        guessed="Blog post >> Visit the Paycom blog to learn more",
    )
    assert (title, from_h1) == (headline, True)


def test_a_guessed_title_alone_never_makes_a_stray_h1_the_headline() -> None:
    # trafilatura's title may be the blog's name, which its h1 banner repeats
    title, _ = choose_title(
        ["Antoyo's Blog"],
        ["", "Progress report #39 on the GCC backend", ""],
        "",
        "blog.example",
        guessed="Antoyo's Blog",
    )
    assert title == "Progress report #39 on the GCC backend"


def test_without_an_h1_the_site_name_is_cut_from_either_end() -> None:
    site = {"times", "of", "india", "timesofindia"}
    assert strip_site("Meditation heals the brain - The Times of India", site) == (
        "Meditation heals the brain"
    )
    assert strip_site("Leadfeeder | State of SEO in 2026", {"leadfeeder"}) == "State of SEO in 2026"
    # a colon inside a headline is not a separator
    assert strip_site("Fitness trends: nine to watch", {"acme"}) == "Fitness trends: nine to watch"


@pytest.mark.parametrize(
    ("title", "outlet", "headline"),
    [
        # the outlet's name after it, known only once the outlet is
        (
            "Top 5 HR Management Software in 2026 - DianaHR",
            "DianaHR",
            "Top 5 HR Management Software in 2026",
        ),
        # a section's label after it, a "Title:" label before it
        ("How meditation rewires brains | Opinion", "The Appeal", "How meditation rewires brains"),
        (
            "Title:AlignMerge - Model Merging via Fisher Geometry",
            "arxiv.org",
            "AlignMerge - Model Merging via Fisher Geometry",
        ),
        # what says something of the story stays
        ("Sony A7 IV – Review", "Camera Weekly", "Sony A7 IV – Review"),
        ("DianaHR raises $10m – DianaHR", "DianaHR", "DianaHR raises $10m"),
        # a theme's space before its full stop
        ("Ten travel hacks for your stay .", "Ovolo", "Ten travel hacks for your stay."),
    ],
)
def test_a_headline_loses_the_labels_around_it(title: str, outlet: str, headline: str) -> None:
    assert tidy_headline(title, outlet) == headline


def test_bylines_become_names_only() -> None:
    assert clean_authors(["By Jane Roe and John Doe, Staff Writers"]) == ["Jane Roe", "John Doe"]
    assert clean_authors(["Keith Barry Senior Autos Reporter"]) == ["Keith Barry"]
    assert clean_authors(["View all posts by Ray Ansari"]) == ["Ray Ansari"]
    assert clean_authors(["Cazzy Magennis Last Updated August 1"]) == ["Cazzy Magennis"]
    assert clean_authors(["Dylan Bailey, MS, RD"]) == ["Dylan Bailey, MS, RD"]
    assert clean_authors(["Lance Ryan (Content Manager)"]) == ["Lance Ryan"]
    # When it was posted, where, and who paid for it are no part of the name.
    assert clean_authors(["BeauHD on Friday"]) == ["BeauHD"]
    assert clean_authors(["MixmasterFred in WorkshopWoodworking"]) == ["MixmasterFred"]
    assert clean_authors(["Jane Roe Sponsored"]) == ["Jane Roe"]


def test_a_wire_byline_reads_as_names_are_written() -> None:
    wire = "By LISA MASCARO, MARY CLARE JALONICK and ERIC TUCKER Associated Press"
    assert clean_authors([wire]) == ["Lisa Mascaro", "Mary Clare Jalonick", "Eric Tucker"]
    assert clean_authors(["SEAN O'BRIEN"]) == ["Sean O'Brien"]
    assert clean_authors(["Finian Cunningham. Sputnik International"]) == ["Finian Cunningham"]
    assert clean_authors(["By Malcolm Owen Monday, November 18, 2019"]) == ["Malcolm Owen"]
    # The agency alone is the byline; a short handle in capitals stays as written.
    assert clean_authors(["Associated Press"]) == ["Associated Press"]
    assert clean_authors(["KWCHCIK"]) == ["KWCHCIK"]


def test_a_label_glued_to_the_name_is_cut_but_a_name_that_begins_with_by_stays() -> None:
    # "Posted by<a>Jane Roe</a>" reads "Posted byJane Roe"
    assert clean_authors(["Posted byJane Roe"]) == ["Jane Roe"]
    assert clean_authors(["Bylines Team"]) == ["Bylines Team"]
    assert clean_authors(["Abby Smith"]) == ["Abby Smith"]


def test_furniture_is_not_an_author_and_a_full_name_beats_a_handle() -> None:
    assert (
        clean_authors(["Updated January", "©; Conditions Privacy Policy", "View more posts"]) == []
    )
    assert clean_authors(["kffnirmitap", "Nirmita Panchal"]) == ["Nirmita Panchal"]
    assert clean_authors(["kffnirmitap"]) == ["kffnirmitap"]


def test_titles_and_escapes_in_a_byline_are_not_names() -> None:
    assert clean_authors(["Preetam Jinka Co-founder; Chief Architect"]) == ["Preetam Jinka"]
    assert clean_authors(["Justin Meserole, Trial Attorney"]) == ["Justin Meserole"]
    # a job title after the comma is no second author, whatever words it has before its role
    assert clean_authors(["By Jane Roe, Senior Digital Editor"]) == ["Jane Roe"]
    assert clean_authors(["Paul Frew, Home and Digital Security Expert"]) == ["Paul Frew"]
    assert clean_authors(["Jane Roe, Managing Editor, and John Doe"]) == ["Jane Roe", "John Doe"]
    # names written surname first, one per ";" (a catalogue's), are names as bylines write them
    assert clean_authors(["Roy, Aniruddha; Das, Amitava"]) == ["Aniruddha Roy", "Amitava Das"]
    assert clean_authors(["Jane Roe, MD; John Doe, Editor"]) == ["Jane Roe, MD", "John Doe"]
    nicole = "Nicole Forbes, Master Horticulturalist & Garden Educator"  # titles joined by "&"
    assert clean_authors([nicole]) == ["Nicole Forbes"]
    assert clean_authors(["Jane Roe, Travel Editor and John Doe"]) == ["Jane Roe", "John Doe"]
    assert clean_authors(["Jane Roe, John Doe and Ann Lee"]) == ["Jane Roe", "John Doe", "Ann Lee"]
    assert clean_authors(["Maria Roe &amp; Katerina Doe"]) == ["Maria Roe", "Katerina Doe"]


def test_a_byline_naming_a_role_stands_when_the_page_names_no_person() -> None:
    assert clean_authors(["Our Editors"]) == ["Our Editors"]
    assert clean_authors(["By SFist Contributor"]) == ["SFist Contributor"]
    assert clean_authors(["Community Editor", "Jane Roe"]) == ["Jane Roe"]
    assert clean_authors(["Editor"]) == []  # a role alone says nothing


def test_an_author_box_s_phrases_cut_at_commas_are_not_names() -> None:
    bio = (
        "Here we discuss cryptoasset compliance, blockchain analysis, financial crime, and how"
        " we serve customers"
    )
    assert clean_authors([bio]) == []
    assert clean_authors(["Ludwig van Beethoven"]) == ["Ludwig van Beethoven"]


def test_the_outlet_beside_real_names_is_not_an_author() -> None:
    assert clean_authors(["Five Books; Sylvia Bishop"], site="Five Books") == ["Sylvia Bishop"]
    # ... nor the outlet the page is filed under, however it is spelled there.
    byline = ["Troy L. Smith, Cleveland.com"]
    assert clean_authors(byline, outlets=["cleveland.com"]) == ["Troy L. Smith"]
    byline = ["Manoj Jain and Jagpreet Chhatwal, The Commercial Appeal"]
    assert clean_authors(byline, outlets=["The Commercial Appeal"]) == [
        "Manoj Jain",
        "Jagpreet Chhatwal",
    ]


def test_the_outlet_credited_after_its_reporter_is_no_part_of_the_name() -> None:
    assert clean_authors(["Brian Truitt USA TODAY"], outlets=["USA TODAY"]) == ["Brian Truitt"]
    # a byline that names the outlet's owner for it is left as the page says it
    byline = ["Amy Roe, NJ Advance Media for NJ.com"]
    assert clean_authors(byline, outlets=["NJ.com"])[-1] != "NJ Advance Media for"


def test_a_credential_marked_registered_stays_with_its_name_and_an_address_is_no_name() -> None:
    assert clean_authors(["Rebecca Lake, CEPF®"]) == ["Rebecca Lake, CEPF®"]
    by_handle = ["www.facebook.com/tinyhousegiantjourney, tinyhousegiantjourney"]
    assert clean_authors(by_handle) == ["tinyhousegiantjourney"]


def test_outlet_names_come_from_the_sources_table_then_the_page_then_the_domain() -> None:
    names = {"mcj.vc": "MCJ", "LinkedInEditors": "LinkedIn"}
    assert outlet(["MCJ Collective"], "https://newsletter.mcj.vc/p/1", names) == ("MCJ", False)
    assert outlet(["LinkedInEditors"], "https://www.linkedin.com/x", names) == ("LinkedIn", False)
    assert outlet(["The Verge"], "https://www.theverge.com/a", names) == ("The Verge", False)
    assert outlet([""], "https://www.example-news.org/a", {}) == ("example-news.org", True)
    assert outlet([""], "", {}) == ("", False)
    # The site's name where its title spells out the domain, else the domain.
    title = "Affordable food: Nutrition for families | Arla Foods Ingredients"
    host = "https://www.arlafoodsingredients.com/a"
    assert outlet([""], host, {}, [title]) == ("Arla Foods Ingredients", False)
    assert outlet(["arlafoodsingredients.com"], host, {}, [title]) == (
        "Arla Foods Ingredients",
        False,
    )
    assert outlet([""], host, {}, ["Arla Foods Ingredients"]) == ("arlafoodsingredients.com", True)
    assert outlet([""], "https://ex.org/a", {}, ["Ex Org - Best | News"]) == ("ex.org", True)


def test_a_site_name_written_as_its_domain_gives_way_to_one_spelled_out() -> None:
    news = "https://www.detroitnews.com/story/a"
    assert outlet(["detroitnews", "The Detroit News"], news, {}) == ("The Detroit News", False)
    today = "https://www.usatoday.com/story/a"
    assert outlet(["usatoday", "Usatoday", "USA TODAY"], today, {}) == ("USA TODAY", False)
    # Capitalised is not spelled out (trafilatura dresses a domain so): the page's own stays.
    assert outlet(["cleveland", "Cleveland"], "https://www.cleveland.com/a", {}) == (
        "cleveland",
        False,
    )
    assert outlet(["@politifact"], "https://www.politifact.com/a", {}) == ("politifact", False)


def test_a_site_name_written_as_its_domain_is_taken_as_the_title_writes_it() -> None:
    page = "https://www.cleveland.com/2019/11/doobie.html"
    title = "Doobie Brothers to reunite for Blossom show - cleveland.com"
    assert outlet(["cleveland"], page, {}, [title]) == ("cleveland.com", False)
    fact_check = "What is the value of drugs? | PolitiFact West Virginia"
    assert outlet(["@politifact"], "https://www.politifact.com/a", {}, [fact_check]) == (
        "PolitiFact West Virginia",
        False,
    )
    # What the title calls it is no name when it carries a number, nor when it is the label.
    shop = "Some gadget - AliExpress 44"
    assert outlet(["aliexpress"], "https://www.aliexpress.com/i", {}, [shop])[0] == "aliexpress"
    own = "Native Ad Platform Names Chief Strategy Officer | my6sense"
    assert outlet(["my6sense"], "https://my6sense.com/a", {}, [own])[0] == "my6sense"


def test_a_section_stated_as_the_site_gives_way_to_the_name_of_the_domain() -> None:
    reuters = "https://www.reuters.com/article/a"
    assert outlet(["U.S.", "Reuters"], reuters, {}) == ("Reuters", False)
    # Names that share the domain, or whose initials it is, stay first.
    fda = "https://www.fda.gov/a"
    assert outlet(["U.S. Food and Drug Administration", "FDA"], fda, {}) == (
        "U.S. Food and Drug Administration",
        False,
    )
    assert outlet(["NYT", "The New York Times Company"], "https://www.nytimes.com/a", {}) == (
        "NYT",
        False,
    )
    # With nothing better, what the page states.
    assert outlet(["U.S."], reuters, {}) == ("U.S.", False)


def test_a_section_stated_as_the_site_gives_way_to_the_site_name_in_the_title() -> None:
    natgeo = "https://www.nationalgeographic.com/health/article/fasting"
    title = "What intermittent fasting really does for your body and brain | National Geographic"
    assert outlet(["Health"], natgeo, {}, [title]) == ("National Geographic", False)
    # A name that shares the domain stays; so does one when the title's shares nothing either.
    stated = "National Geographic Society"
    assert outlet([stated], natgeo, {}, [title])[0] == stated
    assert outlet(["Health"], "https://example.org/a", {}, [title])[0] == "Health"
    # Not a byline, nor a part of the name the page states, cut from it.
    substack = "https://addyo.substack.com/p/a"
    assert outlet(["Elevate"], substack, {}, ["Vibe coding | by Addy Osmani"])[0] == "Elevate"
    site = "https://www.gabrielcybersecurity.com/usb"
    stated = ["Gabriel Gonzalez - Cyber Security"]
    title = "Exploring USB Commands - Gabriel Gonzalez - Cyber Security"
    assert outlet(stated, site, {}, [title])[0] == "Gabriel Gonzalez"


def test_a_page_naming_no_site_is_named_as_its_title_writes_the_site_after_the_headline() -> None:
    # Nothing in the metadata: the name after the headline that shares the domain, not the
    # bare domain (a guess).
    cases = [
        ("https://www.security.org/vpn/best/", "The Best VPNs of 2026 | Security.org", "Security.org"),
        ("https://www.princetonreview.com/a", "Essay Topics | Apply | The Princeton Review", "The Princeton Review"),
        ("https://monkeywrenchplumbers.com/a", "What's Changing in Plumbing Codes? | Monkey Wrench", "Monkey Wrench"),
    ]  # fmt: skip
    for url, title, name in cases:
        assert outlet([], url, {}, [title]) == (name, False)
    # A tagline that holds the name, or a part that shares nothing: the domain, as a guess.
    shirts = "Men's Gym Tops - Workout shirts from Gymshark"
    assert outlet([], "https://www.gymshark.com/a", {}, [shirts]) == ("gymshark.com", True)
    assert outlet([], "https://talkreal.org/a", {}, ["Best Apps – Top 10 Picks"]) == (
        "talkreal.org",
        True,
    )


def test_a_placeholder_site_name_names_no_outlet() -> None:
    # Themes put "Blog" or "Site" where the site's name goes: the next candidate, else the domain.
    assert outlet(["Blog", "TurboTax"], "https://blog.turbotax.intuit.com/a", {}) == (
        "TurboTax",
        False,
    )
    assert outlet(["Tech Blog"], "https://emizentech.com/blog/a", {}) == ("emizentech.com", True)
    assert outlet(["The Verge"], "https://www.theverge.com/a", {}) == ("The Verge", False)
    assert outlet(["Admissions Blog"], "https://x.edu/a", {}) == ("Admissions Blog", False)


def test_a_site_name_that_is_an_id_or_a_domain_in_disguise_is_not_taken_as_written() -> None:
    title = "10 ways meditation can improve your health | Cultivating Health | UC Davis Health"
    url = "https://health.ucdavis.edu/blog/cultivating-health/10-ways"
    # A CMS's slug for the site, as the page's title writes it.
    assert outlet(["cultivating-health"], url, {}, [title]) == ("Cultivating Health", False)
    # A domain made to look like a name is the domain it is: a guess for the editor to check.
    assert outlet(["Trezy_Io"], "https://trezy.io/blog/a", {}) == ("trezy.io", True)
    assert outlet(["trezy.io"], "https://trezy.io/blog/a", {}) == ("trezy.io", True)
    # ...but an outlet that calls itself by its address in its markup said so: read, as written.
    arxiv = "https://arxiv.org/abs/2512.16245"
    assert outlet(["arXiv.org"], arxiv, {}, stated=["arXiv.org"]) == ("arXiv.org", False)
    assert outlet(["business.com"], "https://www.business.com/a", {}, stated=["business.com"]) == (
        "business.com",
        False,
    )
    # A name that spells its domain out is a name; with no address at all, still a name.
    assert outlet(["HR University"], "https://hr.university/a", {}) == ("HR University", False)
    assert outlet(["The Public Domain Review"], "", {}) == ("The Public Domain Review", False)


def test_cms_tags_are_cleaned_into_a_few_keywords() -> None:
    raw = [
        "Shoppable, Edit Team Commerce, Original Feature",
        "Electric cars; electric car; ELECTRIC CARS",
        "12345, NYSE:TSLA, Jane Roe, Batteries, Tesla",
    ]
    kept = clean_keywords(raw, people=["Jane Roe"])
    assert kept == ["Electric cars", "Batteries", "Tesla"]
    assert len(clean_keywords([",".join(f"topic {chr(97 + i)}" for i in range(20))])) == 8
    # A tag split at its own comma leaves punctuation at its end, which is no part of it.
    assert clean_keywords(["investigation,Fairfield,-NJ, -Moving-, Crime."]) == [
        "investigation",
        "Fairfield",
        "Moving",
        "Crime",
    ]
    # Section labels, whatever their plural: "News" is no plural of "New" ("New York" stays).
    assert clean_keywords(["News, Local News, Editors, My Stories, New York"]) == ["New York"]
    # A headline in Japanese has no spaces: still too long for a keyword, counted by characters.
    assert clean_keywords(["商標登録, 商品の改造が商標法違反に！？, 商標法"]) == [
        "商標登録",
        "商標法",
    ]


def test_the_summary_is_the_first_real_paragraph() -> None:
    paragraphs = [
        "## What happened",
        "By Jane Roe",
        "Listen to this article",
        "Photo: Getty Images",
        "Updated 3 May 2025",
        "Sign up for our newsletter to get the latest news delivered to your inbox every day.",
        "A short fragment here.",
        PROSE,
    ]
    assert choose_summary(paragraphs) == PROSE


def test_a_description_cut_off_by_length_gives_way_to_the_paragraph_it_cuts() -> None:
    whole = (
        "The United States faced stiff international criticism on Tuesday over its decision to"
        " no longer consider the settlements illegal, while its allies cheered the move."
    )
    assert choose_summary([whole], whole[:130]) == whole  # "... the settlements illeg"
    # A dek that ends its sentence stands, though the first paragraph begins with it.
    dek = whole.split(", while")[0] + "."
    assert choose_summary([whole], dek) == dek


def test_a_run_on_whose_only_stop_is_an_abbreviation_is_no_summary() -> None:
    run_on = (
        "South Dakota Gov. Kristi Noem Kristi Lynn Noem South Dakota governor doubles down on"
        " campaign South Dakota drops pipeline protest laws after lawsuit New South Dakota law"
        " takes effect Monday meaning protesters who block roads may face fines and other"
        " penalties under the rules the state wrote last spring after months of argument in"
        " the state house and senate which drew a crowd"
    )
    assert choose_summary([run_on, PROSE]) == PROSE


def test_a_summary_does_not_open_with_the_dateline() -> None:
    assert choose_summary([f"NEW YORK (Reuters) - {PROSE}"]) == PROSE
    assert choose_summary([], f"WASHINGTON (AP) — {PROSE}") == PROSE
    # Two places, a region and a day, or the agency alone, with or without its dash.
    for dateline in (
        "SEOUL/WASHINGTON (Reuters) - ",
        "OFER PRISON, West Bank, Jan 1 (Reuters) - ",
        "(Reuters) - ",
        "(CNN) ",
        "BEIJING -- ",
    ):
        assert choose_summary([dateline + PROSE]) == PROSE, dateline
    # Capitals that open a sentence are no dateline.
    shouted = "THE second largest credit rating firm in the UK admitted on Tuesday " + PROSE
    assert choose_summary([shouted]) == shouted


def test_an_aside_in_brackets_is_no_summary() -> None:
    aside = "(We never did settle on one, unlike our 565 towns, which are packed with mottos.)"
    assert choose_summary([aside, PROSE]) == PROSE
    assert choose_summary([f"[Update, April 2011: {aside[1:-2]}]", PROSE]) == PROSE


def test_the_summary_is_plain_text_as_a_reader_sees_it() -> None:
    paragraphs = [
        "The ZOTAC GeForce<sup>®</sup> GTX 10 Series comes with fast memory, a quiet fan and"
        r" support for every \<Game Ready> driver, said the makers of rustc\_codegen\_gcc &amp; co."
    ]
    assert choose_summary(paragraphs) == (
        "The ZOTAC GeForce® GTX 10 Series comes with fast memory, a quiet fan and support for"
        " every <Game Ready> driver, said the makers of rustc_codegen_gcc & co."
    )
    # a description its page escaped twice
    dek = "Explore what project management software costs: pricing &amp; plans, per user and flat."
    assert choose_summary([], dek) == dek.replace("&amp;", "&")
    # one cut by length in the middle of an entity is no dek: the first paragraph stands
    cut = "Fewer than half of homeowners offer their builder a hot drink, and 42% of them don&rsquo"
    assert choose_summary(paragraphs, cut) == choose_summary(paragraphs)


def test_a_real_dek_is_the_summary_and_a_cut_one_is_not() -> None:
    dek = "Engineers found cracks in two piers of the old bridge, which will close to cars for two years."
    assert choose_summary([PROSE], dek) == dek
    assert (
        choose_summary([PROSE], "Engineers found cracks in two piers of the old bridge, which...")
        == PROSE
    )
    # a CMS's excerpt of the page's first words, cut, then its link
    excerpt = (
        "Bridges closed in 2025: Rank, Bridge, Town, Year built, Piers, Cracks found, Closed"
        " for cars? 1, Elm Street, Riverside, 1887\u2026 Continue reading Bridges closed in 2025"
    )
    assert choose_summary([PROSE], excerpt) == PROSE


@pytest.mark.parametrize(
    "description",
    [
        # the page's text run together, down to its copyright line
        "Bridge closes, Engineers found cracks in two piers of the old bridge. Reporter"
        " jane@riverside.example (c) Riverside Post, all rights reserved, [posted 2025-05-06]",
        "Engineers found cracks in two piers of the old bridge, which will close to cars. \u00a9 2025 Riverside Post",
        # cut inside a character by its CMS: a broken byte sequence shown as U+FFFD
        "Engineers found cracks in two piers of the old bridge, which will close to cars for tw\ufffd",
        # cut where the page escaped a quote as code does (content="... from \"Elm\" ...")
        "Engineers found cracks in two piers of the old bridge on Elm Street, from \\",
    ],
)
def test_a_description_that_is_no_dek_the_page_wrote_gives_way_to_the_first_paragraph(
    description: str,
) -> None:
    assert choose_summary([PROSE], description) == PROSE


def test_a_description_that_runs_two_of_the_page_s_paragraphs_together_is_no_dek() -> None:
    kicker = "# Notes from the Town Hall: What the Engineers Told Riverside About Its Bridges"
    glued = (
        "Notes from the Town Hall: What the Engineers Told Riverside About Its Bridges" + PROSE[:80]
    )
    assert choose_summary([kicker, PROSE], glued) == PROSE
    # the same words with a space where the paragraphs meet are a dek the page wrote
    spaced = f"Notes from the Town Hall: what the engineers told Riverside. {PROSE[:80]}"
    assert choose_summary([kicker, PROSE], spaced) != PROSE


def test_a_dek_keeps_what_it_says_not_its_call_to_action_nor_a_teasing_question() -> None:
    dek = "Engineers found cracks in two piers of the old bridge, which will close to cars for two years."
    for call in (
        "Learn more!",
        "Read more here.",
        "Shop now at IKEA!",
        "Click to read the report.",
    ):
        assert choose_summary([PROSE], f"{dek} {call}") == dek
    teaser = "Wondering when the old bridge on Elm Street will open to cars and buses again?"
    assert choose_summary([PROSE], teaser) == PROSE
    assert choose_summary([PROSE], f"{teaser} Learn more!") == PROSE
    assert choose_summary([PROSE], f"{teaser} {dek}") == f"{teaser} {dek}"  # a question, then news


def test_the_title_again_is_no_summary_but_a_dek_that_goes_on_from_it_is() -> None:
    title = "Almost Timely News: Using AI for Analytics (2025-09-21)"
    again = f"{title} :: View in Browser"
    assert choose_summary([again, PROSE], again, title) == PROSE
    twice = "Zero-Waste for Beginners: A Guide Zero-Waste for Beginners: A Guide " + PROSE
    assert choose_summary([PROSE], twice, "Zero-Waste for Beginners: A Guide") == PROSE
    dek = (
        "AWS Lambda is a serverless compute service for running code without having to provision"
        " or manage servers."
    )
    assert choose_summary([PROSE], dek, "AWS Lambda") == dek


def test_an_affiliate_disclosure_is_never_the_summary() -> None:
    small_print = (
        "Products are chosen independently by our editors. Purchases made through our links may"
        " earn us a commission."
    )
    assert choose_summary([small_print, PROSE], small_print) == PROSE
    # a long paragraph of prose that mentions its links is still prose
    long = f"{PROSE} {PROSE} Some links in this story are affiliate links."
    assert choose_summary([long]).startswith(PROSE)


def test_a_long_summary_ends_at_a_sentence() -> None:
    long = " ".join([PROSE] * 4)
    short = choose_summary([long])
    assert short == " ".join([PROSE] * 2) and len(short.split()) <= 60


def test_shops_and_products_are_not_articles_but_articles_are() -> None:
    listing = PageFacts(text_chars=1000, link_chars=700)
    shop = PageFacts(text_chars=1000, link_chars=100, shop_words=3, prices=9)
    assert "shop" in not_an_article(shop, [PROSE], "https://shop.example/item/1")
    product = PageFacts(ld_types={"Product"})
    assert "product" in not_an_article(product, [PROSE], "")
    for og_type in ("product", "product.group", "Product.Item"):  # a shop's own word for it
        assert "product" in not_an_article(PageFacts(meta={"og:type": og_type}), [PROSE], "")
    reviewed = PageFacts(ld_types={"Review", "NewsArticle"}, meta={"og:type": "product"})
    assert not_an_article(reviewed, [PROSE], "") == ""  # JSON-LD says article: it wins
    # the same shapes, when the page calls itself an article or its address says so, are kept
    article = PageFacts(text_chars=1000, link_chars=700, meta={"og:type": "article"})
    assert not_an_article(article, ["Short teaser."], "") == ""
    assert not_an_article(listing, ["Short."], "https://example.org/2025/05/bridge-closes") == ""
    assert not_an_article(PageFacts(text_chars=1000, link_chars=100), [PROSE] * 3, "") == ""


def test_a_forum_thread_is_not_an_article_though_its_cms_says_so() -> None:
    """Forum software stamps every thread with og:type "article" and a published time; the
    page's JSON-LD (QAPage, Product) says what it is."""
    stamped = {"og:type": "article", "article:published_time": "2025-05-06T09:00:00Z"}
    thread = PageFacts(ld_types={"QAPage"}, meta=stamped)
    assert not thread.says_article and thread.says_not_article
    assert "forum" in not_an_article(thread, ["Short question?", "Short answer."], "")
    posted = PageFacts(ld_types={"QAPage", "Article"}, meta=stamped)
    assert posted.says_article and not posted.says_not_article
    assert PageFacts(meta=stamped).says_article


def test_a_page_of_mostly_links_is_a_draft_to_review_not_refused() -> None:
    """Short information pages between link lists are articles too, often enough that a
    refusal would lose them: such a page is kept, as a draft that says why it is doubted."""
    listing = PageFacts(text_chars=1000, link_chars=700)
    teasers = ["Short teaser one.", "Short teaser two."]
    assert not_an_article(listing, teasers, "") == ""
    assert "mostly links" in doubtful(listing, teasers, "")
    assert doubtful(listing, [f"{PROSE} {PROSE}"] * 3, "") == ""  # links beside real prose
    assert doubtful(PageFacts(text_chars=1000, link_chars=100), teasers, "") == ""
    assert doubtful(listing, teasers, "https://example.org/2025/05/bridge-closes") == ""


def test_a_cms_stamp_does_not_vouch_for_a_forum_thread_an_index_or_a_home_page() -> None:
    """og:type "article" and a published time are stamped on every page by many CMSs: an address
    of a forum thread, a section index or a site's home page makes a draft to review. JSON-LD
    that calls the page an article, or an article's address, vouches for it."""
    stamped = PageFacts(meta={"og:type": "article", "article:published_time": "2025-05-06"})
    body = [PROSE] * 4
    for url in (
        "https://forum.example.org/t/whats-your-range/3275",
        "https://community.example.org/topic/18427/rc1-released",
        "https://www.example.co.uk/showthread.php?t=7481802",
        "https://www.example.org/sections/science/",
        "https://www.example.com/services/hr-consulting/",
    ):
        assert "forum, index or service" in doubtful(stamped, body, url), url
    assert "home page" in doubtful(stamped, body, "https://www.example.org/")
    typed = PageFacts(ld_types={"NewsArticle"}, meta=stamped.meta)
    assert doubtful(typed, body, "https://news.example.org/t/bridge-closes") == ""
    assert doubtful(stamped, body, "https://example.org/2025/05/bridge-closes") == ""
    assert doubtful(stamped, body, "https://example.org/bridge-closes-to-cars") == ""
    assert not_an_article(stamped, ["Short."], "https://forum.example.org/t/x/1") == ""  # kept


def test_techarticle_alone_does_not_vouch_for_a_page_at_a_docs_address() -> None:
    """Documentation sites stamp JSON-LD TechArticle on every page of their docs."""
    docs = PageFacts(ld_types={"TechArticle", "BreadcrumbList"})
    body = [PROSE] * 4
    assert doubtful(docs, body, "https://docs.example.com/get-started/introduction/") != ""
    assert doubtful(docs, body, "https://developer.example.com/language/resources") != ""
    assert doubtful(docs, body, "https://example.com/blog/how-we-cut-build-times") == ""
    news = PageFacts(ld_types={"TechArticle", "NewsArticle"})
    assert doubtful(news, body, "https://docs.example.com/news/release-2-0") == ""
    listicle = PageFacts(ld_types={"TechArticle", "ItemList"})  # still an article, not a listing
    assert doubtful(listicle, body, "https://example.com/best-course-platforms/") == ""


def test_an_outlet_name_is_not_a_headline_an_id_or_a_tagline() -> None:
    headline = "15 Language Learning Apps Compared - Personally Tested"
    assert outlet([headline, "Fluent Daily"], "", {}, [headline]) == ("Fluent Daily", False)
    assert outlet(["Learning Loom - Tales of Technology and the Human Spirit"], "", {}) == (
        "Learning Loom",
        False,
    )
    # after a colon too ("Wirecutter: Reviews for the Real World"); not a name's own colon
    assert outlet(["Riverside: News for the Valley"], "", {}) == ("Riverside", False)
    assert outlet(["NoGood™: Growth Marketing Agency"], "", {}) == ("NoGood™", False)
    assert outlet(["Star: Trek"], "", {}) == ("Star: Trek", False)
    assert outlet(["3d23d65-ddc6-4ce5's Substack"], "https://x.substack.com/p/a", {}) == (
        "x.substack.com",
        True,
    )


def test_a_headline_escaped_twice_by_its_page_reads_plainly() -> None:
    title, _ = choose_title(
        ["Data Tools for 2026 | Python, SQL &#x26; AI"],
        ["Data Tools for 2026 | Python, SQL & AI | Splunk"],
        "Splunk",
        "splunk.com",
    )
    assert title == "Data Tools for 2026 | Python, SQL & AI"


def test_an_h1_after_a_longer_headline_in_the_title_is_the_sites_banner() -> None:
    assert site_banner("Cory Dransfeldt", "A brief intro to git • Cory Dransfeldt")
    banner = ["Cory Dransfeldt"]
    title, _ = choose_title(banner, ["A brief intro to git • Cory Dransfeldt"], "", "", banner)
    assert title == "A brief intro to git"
    # After a shorter first part (the site's name first), the h1 is the headline.
    headline = "Top 7 Corporate Catering Trends for 2024"
    assert not site_banner(headline, f"Tastify | {headline}")
    assert choose_title([headline], [f"Tastify | {headline}"], "", "")[0] == headline


def test_an_h1_whose_charset_lost_characters_is_spelled_as_the_page_states_it() -> None:
    stated = "Event Planning: Beginner's Guide | Academy"
    title, from_h1 = choose_title(
        ["Event Planning? Beginner? Guide"], [stated], "Academy", "academy.edu"
    )
    assert (title, from_h1) == ("Event Planning: Beginner's Guide", True)
    # A question in the h1 is kept as it is: the fields say nothing else there.
    title, _ = choose_title(["Is remote work here to stay?"], ["Remote work | Academy"], "", "")
    assert title == "Is remote work here to stay?"


def test_a_domain_glued_to_a_title_with_no_separator_is_cut() -> None:
    title, _ = choose_title([], ["davidbau.com Vibe Coding"], "", "davidbau.com")
    assert title == "Vibe Coding"
    # A domain that is not the site's stays: it is what the headline says.
    title, _ = choose_title([], ["Why node.js streams matter"], "", "example.com")
    assert title == "Why node.js streams matter"
