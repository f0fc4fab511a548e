"""The digest as a message and as a page: headers, size, links, and how it renders."""

import re
from email import message_from_bytes, policy
from pathlib import Path

import pytest

from briefings.commands.build import build_site
from briefings.config import load_config
from briefings.digest import Recipient, make_digest, write_eml
from briefings.digest.message import check_address, clean_header
from briefings.errors import BriefingsError
from tests.conftest import write
from tests.digest.conftest import digest_project
from tests.digest.smtp import free_port


@pytest.mark.parametrize(
    ("raw", "clean"),
    [
        ("Plain title", "Plain title"),
        ("Breaking\r\nBcc: victim@evil.example", "Breaking Bcc: victim@evil.example"),
        ("Trailing newline\n", "Trailing newline"),
        ("Tab\tand\x0bvertical\x00nul", "Tab and vertical nul"),
        ("Sneaky =?UTF-8?Q?=0ABcc:_x@evil.example?= end", "Sneaky Bcc: x@evil.example end"),
        ("Base64 =?utf-8?b?DQpCY2M6IHlAZXZpbC5leGFtcGxl?=", "Base64 Bcc: y@evil.example"),
        ("Unicode line\u2028separator", "Unicode line separator"),
        ("Ünïcödé is fine", "Ünïcödé is fine"),
    ],
)
def test_header_values_lose_every_control_character(raw: str, clean: str) -> None:
    assert clean_header(raw) == clean


@pytest.mark.parametrize(
    "bad",
    [
        "a@b.com\nBcc: c@d.com",
        "a@b.com, c@d.com",
        "not-an-address",
        "=?UTF-8?Q?a=0A?=@b.com",
        "<a@b.com>",
    ],
)
def test_addresses_are_refused_rather_than_cleaned(bad: str) -> None:
    with pytest.raises(BriefingsError, match="is not a valid email address"):
        check_address(bad)


def test_eml_is_a_complete_message(example: Path, tmp_path: Path) -> None:
    project = digest_project(example, free_port())
    digest = make_digest(load_config(project), None)
    size = write_eml(digest, tmp_path / "x.eml")
    message = message_from_bytes((tmp_path / "x.eml").read_bytes(), policy=policy.default)
    assert size < 80 * 1024 and message.get_content_type() == "multipart/alternative"
    plain, html = message.iter_parts()
    text = plain.get_content()
    assert "A drone factory on the Volga" in text and "<" not in text.replace(
        "<http", ""
    )  # written, not stripped HTML
    assert "display:none" in html.get_content().replace(" ", "")  # the hidden preheader
    assert 'style="' in html.get_content()  # CSS inlined for clients that drop <style>


def test_a_preview_needs_no_sender_but_a_digest_to_send_does(example: Path) -> None:
    text = (example / "briefings.toml").read_text().split("[digest]")[0]
    write(example / "briefings.toml", text)
    build_site(load_config(example))  # (a digest links to the built site's pages)
    said: list[str] = []
    preview = make_digest(load_config(example), None, log=said.append, preview=True)
    assert preview.message(Recipient("reader@example.org"))["From"].addresses[0].addr_spec == (
        "briefing@example.org"
    )
    assert any("from_address is not set" in line for line in said)
    with pytest.raises(BriefingsError, match="from_address is not set"):
        make_digest(load_config(example), None)


def test_both_parts_say_what_the_editor_wrote_in_the_same_order(example: Path) -> None:
    marketlink = next((example / "content/articles").glob("iran-helping-*.md"))
    text = marketlink.read_text()
    marketlink.write_text(text.replace("---\n", "---\nurl: https://marketlink.example/d\n", 1))
    project = digest_project(example, free_port())
    digest = make_digest(load_config(project), None)
    html = re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", digest.parts.html))
    text = re.sub(r"\s+", " ", digest.parts.text)
    said = [
        "Washington declassified satellite images",  # the edition's introduction
        "Two outlets on the same White House briefing",  # the section's note
        "Iran helping Russia build plant",  # the first item, then the second
        "The White House on Friday said",
    ]
    for part in (html, text):
        places = [part.find(words) for words in said]
        assert -1 not in places and places == sorted(places), places
    assert 'href="https://marketlink.example/d"' in digest.parts.html
    assert "Original at MarketLink: https://marketlink.example/d" in digest.parts.text


def test_an_article_with_problems_is_left_out_of_the_digest_and_said(example: Path) -> None:
    rudaw = next((example / "content/articles").glob("the-white-house*.md"))
    rudaw.write_text(rudaw.read_text().replace("date:", "date: 2025-02-31\nwhen:", 1))
    project = digest_project(example, free_port())  # its build leaves the article out too
    said: list[str] = []
    digest = make_digest(load_config(project), None, log=said.append)
    assert said[0] == (
        "Warning: 1 article(s) left out, their files have problems (mend them and make it again):"
    )
    assert rudaw.name in said[1] and "2025-02-31" in said[1]
    assert "Iran helping Russia build plant" in digest.parts.text
    assert "The White House on Friday said" not in digest.parts.text


def test_links_are_checked_against_the_built_site(example: Path) -> None:
    project = digest_project(example, free_port())
    page = next((project / "site/articles").glob("the-white-house*/index.html"))
    page.unlink()
    with pytest.raises(BriefingsError, match=r"links to 1 page\(s\) that site/ does not have"):
        make_digest(load_config(project), None)


def test_a_digest_holds_summaries_unless_full_text_is_asked_for(example: Path) -> None:
    project = digest_project(example, free_port())
    digest = make_digest(load_config(project), None)
    assert not digest.parts.full  # the text is the outlets': a summary and a link
    assert "recent weeks to strike Kyiv" not in digest.parts.html  # the second paragraph
    settings = project / "briefings.toml"
    settings.write_text(settings.read_text().replace("[digest]\n", '[digest]\ncontent = "full"\n'))
    full = make_digest(load_config(project), None)
    assert full.parts.full and "recent weeks to strike Kyiv" in full.parts.html


def test_a_huge_edition_is_shortened_to_summaries(
    example: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    paragraph = (
        "The committee heard evidence from officials about the programme and its costs over many hours. "
        * 12
    )
    items = []
    for n in range(60):
        write(
            example / f"content/articles/long-{n}.md",
            f"---\ntitle: Long story number {n}\ndate: 2025-04-16\nsource: Wire {n}\n---\n"
            + (paragraph + "\n\n") * 4,
        )
        items.append(f"long-story-number-{n}")
    write(
        example / "content/editions/2025-04-16.md",
        "---\ntitle: A long day\ndate: 2025-04-16\nsections:\n  - title: All\n    items: ["
        + ", ".join(items)
        + "]\n---\nMany stories.\n",
    )
    project = digest_project(example, free_port())
    # Identical bodies would (rightly) be one story of copies: relate off, sixty separate items.
    # Full text asked for: it does not fit, so summaries it is.
    settings = (project / "briefings.toml").read_text()
    settings = settings.replace("[digest]\n", '[digest]\ncontent = "full"\n')
    write(project / "briefings.toml", settings + "\n[related]\nenabled = false\n")
    messages: list[str] = []
    digest = make_digest(load_config(project), "2025-04-16", log=messages.append)
    assert not digest.parts.full
    assert any("items shortened to summaries" in m for m in messages)
    recipient_message = digest.message(type("R", (), {"address": "ann@example.org", "name": ""})())
    assert len(recipient_message.as_bytes()) < 102 * 1024
    assert digest.parts.html.count("Read more") == 60


def test_project_can_override_the_email_templates(example: Path) -> None:
    project = digest_project(example, free_port())
    write(project / "templates/email/digest.txt", "Custom text for {{ edition.edition.title }}\n")
    digest = make_digest(load_config(project), None)
    assert digest.parts.text == "Custom text for A drone factory on the Volga\n"


@pytest.mark.parametrize("width", [375, 600])
def test_html_part_reads_at_phone_and_desktop_widths(
    chromium, example: Path, tmp_path: Path, width: int
) -> None:
    project = digest_project(example, free_port())
    digest = make_digest(load_config(project), None)
    (tmp_path / "mail.html").write_text(digest.parts.html)
    for strip_styles in (False, True):  # Gmail drops every <style> block on one CSS error
        page = chromium.new_page(viewport={"width": width, "height": 900})
        page.goto((tmp_path / "mail.html").as_uri())
        if strip_styles:
            page.evaluate("document.querySelectorAll('style').forEach(s => s.remove())")
        assert page.evaluate("document.documentElement.scrollWidth") <= width
        titles = page.locator(".title a")
        assert titles.count() == 2  # both items the example edition lists
        for i in range(titles.count()):
            box = titles.nth(i).bounding_box()
            assert (
                titles.nth(i).is_visible()
                and box
                and box["x"] >= 0
                and box["x"] + box["width"] <= width
            )
        page.close()
