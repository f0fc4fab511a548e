"""The text-dump cleaner on the two real seeds, and its promises on any input."""

import re

from hypothesis import given, settings
from hypothesis import strategies as st

from briefings.ingest.extract import extract, refusal
from briefings.ingest.read import RawPage
from briefings.ingest.summary import choose_summary
from briefings.ingest.text import extract_text
from tests.conftest import FIXTURES

SEEDS = FIXTURES / "seeds"


def test_marketlink_seed() -> None:
    article = extract_text((SEEDS / "003_e80a322980c1467b.txt").read_text())
    assert (
        article.title
        == "Iran helping Russia build plant to manufacture drones for likely use in Ukraine, White House says"
    )
    assert article.source == "MarketLink"
    assert article.date.startswith("2025-04-14")
    assert article.tags == ["Iran", "Ukraine", "Russia", "White House"]
    assert article.paragraphs[0].startswith("Iran has been sending material to Russia")
    assert article.paragraphs[-1].endswith("to Tehran's drone program.")
    body = article.body
    for leftover in (
        "Buckingham Palace",
        "Questlove",
        "Malia Obama",
        "veryGood",
        "Related",
        "Ranking",
        "Recommendation",
        "Current:Home",
    ):
        assert leftover not in body
    assert article.guessed == []


def test_rudaw_seed() -> None:
    raw = (SEEDS / "000_34bffc32063d5a65.txt").read_text()
    article = extract_text(raw)
    assert article.source == "Rudaw"
    assert article.dateline == "ERBIL, Kurdistan Region"
    assert article.title and article.title != "World" and "title" in article.guessed
    assert article.image_credit == "AFP"
    assert article.image_caption.startswith("This image, provided by MAXAR")
    assert article.paragraphs[0].startswith("The White House on Friday said")
    for paragraph in article.paragraphs:
        assert article.body.count(paragraph) == 1
    assert len(article.paragraphs) == 8  # the page carries its body twice: kept once
    for leftover in (
        "moderates all comments",
        "Post a comment",
        "community guidelines",
        "Photo: via AFP",
    ):
        assert leftover not in article.body


STORY = [
    "Their American dream shattered and huge savings wasted, nearly 150 Indians returned home"
    " broke on Wednesday after being deported from the United States, officials said.",
    "Most of them had paid agents large sums to reach the border through several countries, and"
    " many said they had sold land or borrowed from relatives to pay for the journey there.",
    "Officials at the airport said the men would be questioned about the agents who sent them,"
    " and that the state government would help those who wanted to find work at home.",
]


def test_a_dump_that_begins_with_the_pages_title_is_titled_by_it() -> None:
    page = [
        "Deportees return home from US with shattered dreams - www.oregonlive.com",
        "Skip to Article",
        "News by Topic › ‹",
        "Back To Main Menu",
        "Business › ‹",
        "Back To Main Menu",
        "Politics Home",
        *STORY,
    ]
    article = extract_text("\n".join(page))
    assert article.title == "Deportees return home from US with shattered dreams"
    assert article.source == "oregonlive.com"
    # An outlet's name with a hyphen of its own is not cut there.
    page[0] = "Deportees return home from US with shattered dreams | The Anti-June Cleaver"
    article = extract_text("\n".join(page))
    assert (article.title, article.source) == (
        "Deportees return home from US with shattered dreams",
        "The Anti-June Cleaver",
    )


def test_the_headline_is_the_h1_as_the_page_shows_it_not_cut_short_or_after_its_section() -> None:
    headline = "Zach Parise heating up, scores twice as Wild beat Sabres 4-1"
    page = [
        f"Opinion | {headline} - Twin Cities",
        "Home | News | Sports",
        "Zach Parise heating up, scores twice as Wild…",  # a list of links cuts it short
        f"Opinion | {headline}",  # a breadcrumb's
        headline,
        *STORY,
    ]
    article = extract_text("\n".join(page))
    assert (article.title, article.source) == (headline, "Twin Cities")


def test_a_pages_title_without_an_outlet_shown_again_as_its_h1_is_the_headline() -> None:
    headline = "Deportees return home from US with shattered dreams"
    page = [
        headline,
        "Home",
        "About",
        "Contact",
        "Home News World",
        headline,
        "June 5, 2019",
        *STORY,
    ]
    article = extract_text("\n".join(page))
    assert article.title == headline and "title" not in article.guessed
    # A site's name as the <title>, shown again as its logo, is no headline.
    logo = ["The Riverside Post", "Home", "The Riverside Post", "News World", *STORY]
    assert "title" in extract_text("\n".join(logo)).guessed
    # Shown once only, it may be anything (a site's name, a tagline): the story's first words.
    page[5] = "Share this"
    article = extract_text("\n".join(page))
    assert article.title.startswith("Their American dream shattered")
    assert "title" in article.guessed


def test_a_caption_with_its_credit_on_the_next_line_is_the_image_not_the_story() -> None:
    caption = (
        "Karma Automotive's vice president, left, unveils the Karman Vision SC2 concept vehicle"
        " at the Los Angeles Auto Show on Tuesday."
    )
    page = [
        "Deportees return home from US with shattered dreams - Connecticut Post",
        "By TOM KRISHER and DEE-ANN DURBIN",
        caption,
        "Photo: Damian Dovarganes, AP",
        *STORY,
    ]
    article = extract_text("\n".join(page))
    assert article.paragraphs[0] == STORY[0]
    assert (article.image_caption, article.image_credit) == (caption, "Damian Dovarganes, AP")
    assert article.authors == ["Tom Krisher", "Dee-Ann Durbin"]  # the byline above them


def test_a_wire_photo_caption_above_the_story_is_the_image_and_dates_nothing() -> None:
    caption = (
        "FILE - In this May 18, 2017 file photo, actress Uma Thurman poses for photographers"
        " during the photo call at the film festival in Cannes, southern France."
    )
    for credit, credited in (
        ("(AP Photo/Alastair Grant, File)", "AP Photo/Alastair Grant, File"),
        ("(Alastair Grant/Associated Press)", "Alastair Grant/Associated Press"),
        ("©Alastair Grant (AFP)", "Alastair Grant (AFP)"),
    ):
        article = extract_text("\n".join([f"{caption} {credit}", *STORY]))
        assert article.paragraphs[0] == STORY[0]
        assert (article.image_caption, article.image_credit) == (caption, credited)
        assert article.date == ""  # the photo's day, not the story's
        assert not article.title.startswith("FILE")
    # The story's own dateline: the place, and the agency that wrote it.
    article = extract_text("\n".join([f"{caption} {credit}", f"NEW YORK (AP) — {STORY[0]}"]))
    assert article.dateline == "NEW YORK (AP)"
    assert article.paragraphs[0] == STORY[0]


def test_a_sentence_that_ends_in_a_dash_and_words_is_no_headline_and_outlet() -> None:
    page = [
        'He opened fire as he shouted "Allahu Akbar" - God is greatest.',
        "Photos: The scene",
        "Getty Images The promenade on Friday",
        "Reuters",
        "AP Mourners at the scene",
        *STORY,
    ]
    article = extract_text("\n".join(page))
    assert article.source == ""
    assert article.title != page[0]


def test_a_dump_of_the_story_alone_is_titled_by_its_first_line() -> None:
    headline = "Seven killed as tram derails after 'speeding' round sharp bend"
    article = extract_text("\n".join([headline, *STORY]))
    assert article.title == headline and "title" not in article.guessed
    # A standfirst, a caption or a sentence that lost its full stop is no headline: guessed.
    for first in (
        "Last month, Musk unveiled the 2017 Tesla Roadster, billed as the fastest production car"
        " ever made",
        "Image copyright Getty Images Image caption The pair have been friends for 20 years",
        "The streak of light was spotted across the region and captured on video",
        "Home | News | Sport | Weather | Travel",
        "News › World › Asia › North Korea",
    ):
        article = extract_text("\n".join([first, *STORY]))
        assert article.title != first and "title" in article.guessed, first


def test_a_date_is_read_from_a_line_that_dates_the_story_never_from_a_sentence() -> None:
    cookies = (
        "We use cookies to improve your experience; our policy was updated and became effective"
        " May 23rd, 2018."
    )
    quoted = "— Jane Roe on Sunday, October 13th, 2019 in an article in a local newspaper"
    page = [cookies, "By Ann Lee on Monday, November 18th, 2019 at 11:08 a.m.", *STORY]
    assert extract_text("\n".join(page)).date == "2019-11-18"
    assert extract_text("\n".join([*STORY[:1], "19 Nov 2019 05:44 GMT", *STORY[1:]])).date == (
        "2019-11-19"
    )
    # The days the story's sentences, a banner or a quotation name are not the story's.
    dated = "The flight left Auckland on Jan. 1, 2018 but landed in Honolulu the day before it."
    for page in ([dated, *STORY], [cookies, *STORY], [STORY[0], quoted, *STORY[1:]]):
        assert extract_text("\n".join(page)).date == "", page[0]


def test_a_standfirst_byline_and_date_line_above_the_story_are_its_header_not_its_story() -> None:
    standfirst = "Officials say the repairs will take two years. Residents fear for their trade."
    masthead = ["The Riverside Post", "Home", "News", "Sport", "Wednesday, November 20, 2019"]
    for byline in (["By", "Randy Maniloff"], ["By Randy Maniloff"]):
        page = [*masthead, standfirst, *byline, "Nov. 18, 2019 7:04 pm ET", *STORY]
        article = extract_text("\n".join(page))
        assert article.paragraphs[0] == STORY[0]
        assert article.authors == ["Randy Maniloff"]
        assert article.date == "2019-11-18"  # the story's, under its byline: not the masthead's
    # A byline with nothing after it opens no story.
    alone = extract_text("\n".join([*STORY, "By Randy Maniloff"]))
    assert alone.paragraphs[0] == STORY[0]


def test_a_dump_that_names_no_outlet_gets_its_copyright_holder_as_a_guess_to_confirm() -> None:
    from datetime import UTC, datetime

    from briefings.ingest.write import Options, front_matter

    page = ["Menu", "Deportees return home", *STORY, "Photo © Jane Roe", "© 2019 CNBC LLC. All"
            " Rights Reserved. A Division of NBCUniversal"]  # fmt: skip
    article = extract_text("\n".join(page))
    assert article.source == "CNBC" and "source" in article.guessed
    meta = front_matter(article, Options(date="2019-11-20"), "x.txt", datetime.now(UTC))
    assert meta["source"] == "CNBC" and meta["draft"] is True  # never published unconfirmed
    assert meta["needs"] == ["source: read from the page's copyright line, check it"]
    # A photo's credit names its photographer, not the outlet.
    assert extract_text("\n".join(page[:-1])).source == ""


def test_a_header_with_no_headline_gives_a_guessed_title_not_a_menu_line() -> None:
    page = ["Menu", "Published 11:34 PM EST", "Follow the topics within this article", *STORY]
    article = extract_text("\n".join(page))
    assert article.title.startswith("Their American dream shattered")
    assert "title" in article.guessed


SENTENCE = re.compile(r"[^.!?\n]+[.!?]")


@settings(max_examples=200, deadline=None)
@given(st.text(max_size=3000))
def test_never_crashes_on_any_text(raw: str) -> None:
    extract_text(raw)


prose = st.lists(
    st.sampled_from(
        [
            "The minister said the talks would resume on Monday after a week of delays.",
            "Officials in the capital confirmed that the agreement had been signed late on Friday.",
            "Home",
            "News",
            "Sport",
            "Related",
            "Comments",
            "- Share this",
            "Subscribe now",
            "Residents described hearing a loud explosion shortly before midnight, the police said.",
            "Rudaw moderates all comments submitted on our website.",
        ]
    ),
    max_size=40,
)


@settings(max_examples=200, deadline=None)
@given(prose)
def test_every_output_sentence_is_in_the_input(lines: list[str]) -> None:
    raw = "\n".join(lines)
    article = extract_text(raw)
    for paragraph in article.paragraphs:
        for sentence in SENTENCE.findall(paragraph):
            assert sentence.strip() in raw
    assert not article.title or article.title.rstrip("…") in raw


def test_a_run_of_picture_captions_between_paragraphs_does_not_cut_the_lead_off() -> None:
    lead = [
        "At least 84 people were killed when a truck was driven into a crowd watching the"
        " fireworks on the promenade in Nice on Thursday night, officials said.",
        "The driver zig-zagged through the crowd for more than a mile before police shot him,"
        " and the city's mayor asked residents to stay indoors through the night.",
    ]
    captions = [
        f"{credit} {what} on the promenade in Nice after the attack"
        for credit, what in [
            ("AP:Associated Press", "Flowers and candles left by mourners"),
            ("EFE", "Abandoned pushchairs beside the barriers"),
            ("Getty Images", "Police officers guard the scene"),
            ("Reuters", "A forensic team examines the truck"),
            ("Barcroft Media", "People gather to light candles"),
            ("EPA", "A victim is treated by paramedics"),
            ("Matrix", "Soldiers patrol the seafront road"),
        ]
    ]
    rest = [
        f"{STORY[n % 3]} The account was repeated by officials on Friday in city {n}."
        for n in range(9)
    ]
    article = extract_text("\n".join([*lead, *captions, *rest]))
    assert article.paragraphs[0] == lead[0]
    assert rest[-1] in article.paragraphs


def test_a_story_in_japanese_is_read_as_one_not_refused_for_want_of_spaces() -> None:
    # Chinese and Japanese write no spaces between words: counted by characters, a story of
    # five paragraphs is no "page with no article", and its outlet follows its <title>.
    story = [
        "先日、不正に改造したスマートフォンを販売したとして、商標法違反の疑いで二十代の男性が逮捕されたというニュースを耳にしました。",
        "報道によると、今回販売されたのは、いわゆる脱獄した端末で、正規の販売店では扱われていないものでした。",
        "脱獄とは、端末の基本ソフトを改造して機能制限を解除することで、公式のアプリストアにないアプリも使えるようになります。",
        "もちろん、製造元の会社は脱獄を認めておらず、改造された端末は保証の対象外となると説明しています。",
        "では、なぜ改造した端末を販売すると商標権の侵害になるのでしょうか。専門家は出所の表示が問題になると話しています。",
    ]
    page = [
        "商品の改造が商標法違反に！？ | 特許業務法人ライトハウス",
        "HOME",
        "ブログ",
        "商品の改造が商標法違反に！？",
        *story,
    ]
    article = extract(RawPage("blog.txt", "\n".join(page), "text", "utf-8"))
    assert refusal(article) == ""
    assert (article.title, article.source) == (
        "商品の改造が商標法違反に！？",
        "特許業務法人ライトハウス",
    )
    assert article.paragraphs[0] == story[0]
    assert article.summary.startswith(story[0][:20]) and len(article.summary) <= 121
    # A long paragraph's summary ends at a sentence's end (。), as many characters as words.
    summary = choose_summary(["".join(story)])
    assert summary == story[0] + story[1]


def test_a_story_in_thai_is_read_as_one_too() -> None:
    story = [
        "กรุงเทพมหานครประกาศปิดถนนสายหลักหลายสายในวันเสาร์นี้เพื่อซ่อมแซมสะพานที่ได้รับความเสียหายจากน้ำท่วมเมื่อสัปดาห์ที่แล้ว",
        "เจ้าหน้าที่กล่าวว่างานซ่อมแซมจะใช้เวลาประมาณสองเดือนและขอให้ผู้ขับขี่ใช้เส้นทางอื่นในช่วงเวลาเร่งด่วนตอนเช้าและตอนเย็น",
        "ชาวบ้านที่อาศัยอยู่ใกล้สะพานบอกว่าการปิดถนนจะทำให้การเดินทางไปทำงานและไปโรงเรียนใช้เวลานานขึ้นอย่างน้อยครึ่งชั่วโมง",
        "ผู้ว่าราชการกรุงเทพมหานครกล่าวว่าจะมีรถโดยสารพิเศษให้บริการฟรีตลอดช่วงเวลาที่ปิดซ่อมแซมเพื่อช่วยเหลือประชาชน",
    ]
    page = ["ปิดสะพานซ่อมแซมสองเดือน - Bangkok Daily", "หน้าแรก", "ข่าว", *story]
    article = extract(RawPage("bridge.txt", "\n".join(page), "text", "utf-8"))
    assert refusal(article) == ""
    assert article.paragraphs == story
    assert article.summary == story[0]
