import json
import subprocess
import sys
from pathlib import Path
from xml.etree.ElementTree import Element

import markdown
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from briefings.markup import markdown as markup
from briefings.markup.markdown import (
    EXTENSION_CONFIGS,
    EXTENSIONS,
    _converter,
    excerpt,
    leading_lines,
    markdown_to_html,
    plain_text,
    render_text,
    render_texts,
)
from briefings.markup.shortcuts import BracketEnds
from briefings.runtime import parallel
from tests.conftest import counting_pool

ROOT = Path(__file__).parents[1]

HOSTILE = [
    "<script>alert(1)</script>",
    '<img src="x.png" onerror="alert(1)">',
    "[click](javascript:alert(1))",
    '<a href="JaVaScRiPt:alert(1)">x</a>',
    '<a href="java&#x09;script:alert(1)">x</a>',
    '<iframe src="https://evil.example"></iframe>',
    "<style>body{display:none}</style>",
    '<svg onload="alert(1)"><circle/></svg>',
    '<p onclick="alert(1)">para</p>',
    "<object data=x></object><embed src=x>",
    "<!-- <script>alert(1)</script> -->",
]


@pytest.mark.parametrize("attack", HOSTILE)
def test_hostile_markup_is_neutralised(attack: str) -> None:
    html = markdown_to_html(f"Before.\n\n{attack}\n\nAfter.").lower()
    for bad in (
        "<script",
        "javascript:",
        "onerror",
        "onload",
        "onclick",
        "<iframe",
        "<style",
        "<svg",
        "<object",
        "<embed",
    ):
        assert bad not in html
    assert "before." in html and "after." in html


def test_markdown_features() -> None:
    html = markdown_to_html(
        '## Heading\n\nSaid "hi" -- ok[^1]\n\n| a | b |\n|---|---|\n| 1 | 2 |\n\n[^1]: A note.'
    )
    assert '<h2 id="heading">Heading</h2>' in html
    assert "“hi”" in html and "–" in html  # smart quotes and dashes
    assert "<table>" in html and 'class="footnote"' in html


def test_safe_links_survive() -> None:
    html = markdown_to_html("[site](https://example.org/a?b=1) and <mailto:x@example.org>")
    assert 'href="https://example.org/a?b=1"' in html
    assert "noopener" in html


def test_excerpt_prefers_summary_then_first_paragraph() -> None:
    assert render_text("Body.", "", "Given summary").excerpt == "Given summary"
    long = "word " * 100
    cut = excerpt(markdown_to_html(long + "\n\nSecond."))
    assert cut.endswith("…") and len(cut) <= 241 and "Second" not in cut


def test_excerpt_skips_fragments_before_the_first_sentence() -> None:
    body = "Video\n\nARI SHAPIRO, HOST:\n\nScores of people are dead after a truck plowed into a crowd.\n\nMore."
    assert excerpt(markdown_to_html(body)).startswith("Scores of people are dead")
    assert excerpt(markdown_to_html("Photo\n\nShort one.")) == "Photo"  # nothing better: the first


def test_excerpt_skips_the_headline_pasted_atop_the_text() -> None:
    body = (
        "Scores killed as truck rams crowd in France Updated: 2016-07-15 13:14 By Agencies\n\n"
        "A truck drove into a crowd celebrating Bastille Day in Nice on Thursday night."
    )
    html = markdown_to_html(body)
    title = "Scores killed as truck rams crowd in France"
    assert excerpt(html, title=title).startswith("A truck drove into a crowd")
    assert render_text(body, "", "", title=title).excerpt.startswith("A truck drove")
    assert excerpt(html).startswith("Scores killed")  # (no title given: the first sentence)


def test_note_is_sanitised_too() -> None:
    text = render_text("Body", "<script>x()</script>**Why**", "")
    assert "<script" not in text.note_html and "<strong>Why</strong>" in text.note_html


def test_texts_rendered_in_worker_processes_equal_those_rendered_here(monkeypatch) -> None:
    fields = [
        (f'Para {n} with *emphasis* and "quotes".\n\nMore -- text.'.encode(), "", "", f"Title {n}")
        for n in range(40)
    ]
    here = list(render_texts(fields))
    monkeypatch.setattr(parallel, "may_fork", lambda: True)  # other tests leave idle threads
    used = []
    monkeypatch.setattr(parallel, "ProcessPoolExecutor", counting_pool(used))
    monkeypatch.setattr(markup, "TEXTS_CHUNK", 10)
    monkeypatch.setattr(markup, "TEXTS_PARALLEL_FROM", 20)
    assert list(render_texts(fields)) == here
    assert used  # it did run in worker processes


# Paragraphs passed by the inline processors (mdshortcuts) must render as they would
# without it: compared with a converter made without it, on real and on generated text.
def plain_converter() -> markdown.Markdown:
    return markdown.Markdown(
        extensions=EXTENSIONS, extension_configs=EXTENSION_CONFIGS, output_format="html"
    )


def both_ways(text: str) -> tuple[str, str]:
    return _converter().reset().convert(text), plain_converter().convert(text)


def test_paragraphs_without_markup_render_as_without_the_shortcut() -> None:
    texts = [p.read_text() for p in (ROOT / "content").rglob("*.md")]
    texts += [
        json.loads(line)["text"] for line in (ROOT / "tests/fixtures/clusters-small.jsonl").open()
    ]
    texts += [
        "Plain words only.\n\nAnother plain paragraph, with commas; and colons: 42%.",
        'Line one  \nline two after a hard break.\n\nIt\'s "quoted" -- and... more',
        "*[ABBR]: An abbreviation\n\nThe ABBR is expanded in a plain paragraph.",
        "A paragraph {: .attr }\n\nText with &amp; entity and <b>html</b>.",
        "> A quoted plain paragraph.\n\n- a list item\n- another",
        "Some _emphasis_, *more*, __strong__ and `code`.",
        "A [link](https://example.org), ![image](x.png), <https://example.org> and \\*escaped\\*.",
        "Footnote[^1].\n\n[^1]: The note.",
        "9. A numbered line\n\n2024 was a year.\n\n1) not a list",
        "Title\n=====\n\nSub\n---\n\n* * *\n\n___",
        "a | b\n--|--\n1 | 2",
        "Term\n:   its definition",
        "    indented code\n\n\tand a tab",
        "[ref]: https://example.org\n\n*[HTML]: Hyper Text",
        "<div>raw html</div>\n\n```\nfenced\n```\n\n~~~\ntilde\n~~~",
        "Text\n# heading inside\n> quote inside\n- item inside",
    ]
    for text in texts:
        fast, plain = both_ways(text)
        assert fast == plain
    abbreviated = next(t for t in texts if t.startswith("*[ABBR]"))
    assert "<abbr" in both_ways(abbreviated)[0]  # abbreviations still expand


@settings(max_examples=300, deadline=None)
@given(
    st.lists(
        st.sampled_from(
            [
                "word",
                "é",
                "€",
                "😀",
                "&amp;",
                "&nbsp;",
                "&#32;",
                " ",
                "\n",
                "<b>",
                "</b>",
                '<a href="x y">',
                "</a>",
                "<br>",
                "&lt;",
                "x",
            ]
        ),
        max_size=80,
    ),
    st.integers(min_value=1, max_value=12),
)
def test_the_leading_lines_of_html_hold_the_words_of_its_whole_text(
    parts: list[str], count: int
) -> None:
    """leading_lines reads a long fragment start by start, cut anywhere (in a tag, an entity, a
    character of several bytes): its words never differ from reading all of it."""
    fragment = "".join(parts)
    whole = " ".join(plain_text(fragment).split()[:count])
    assert leading_lines(fragment.encode(), count).split() == whole.split()


def test_the_leading_lines_of_html_put_each_block_on_a_line() -> None:
    html = markdown_to_html(
        "## Trail Shoes For Beginners\n\nA good pair grips wet roads.\nIt fits.\n\n"
        "- One Pair\n- Two Pairs\n\nThe end &amp; more."
    )
    assert leading_lines(html.encode(), 100).split("\n") == [
        "Trail Shoes For Beginners",
        "A good pair grips wet roads. It fits.",
        "One Pair",
        "Two Pairs",
        "The end & more.",
    ]
    assert leading_lines(html.encode(), 6).split("\n") == ["Trail Shoes For Beginners", "A good"]


@settings(max_examples=500, deadline=None)
@given(
    st.lists(
        st.text(alphabet="ab Zs89.,;:/@^-'\"*_`[]()!<>&{}\\#\n\t|=+~\u2014", max_size=40),
        max_size=5,
    )
)
def test_any_paragraphs_render_as_without_the_shortcut(paragraphs: list[str]) -> None:
    fast, plain = both_ways("\n\n".join(paragraphs))
    assert fast == plain


# Where each bracket closes, for the link patterns: worked out per bracket, as the stock
# per-character walk finds it, for every index of any text.
@settings(max_examples=500, deadline=None)
@given(st.text(alphabet="[]a(\n", max_size=60))
def test_bracket_ends_are_those_of_python_markdown(text: str) -> None:
    stock = markdown.inlinepatterns.LinkInlineProcessor._findBracketEnds(text)
    ours = BracketEnds(text)
    assert [ours[i] for i in range(len(text) + 1)] == stock


def test_the_link_patterns_find_brackets_the_fast_way() -> None:
    link = _converter().inlinePatterns["link"]
    assert link._findBracketEnds is BracketEnds
    html = _converter().reset().convert("The [minister] said [a [nested] link](https://x.org) [1.")
    assert '<a href="https://x.org">a [nested] link</a>' in html and "[minister]" in html


# What smarty reads around quotes, dashes and stops: its patterns look at the character before
# and after (a space, a dash, an entity, a word, a decade, markup), and each match is hidden
# from the patterns after it. The typographer (shortcuts._Typographer) must say it all alike.
# fmt: off
typography = st.lists(
    st.sampled_from(
        [
            "'", '"', "''", "'\"", "\"'", "-", "--", "---", "....", "...", ".", " ", "\n",
            "&nbsp;", "&#8211;", "&mdash;", "\u2013", "\u2014", "80s", "s", "s ", "it", "Kyiv",
            ",", "(", "[", "{", "*", "_", "`", "<b>", "</b>", "\\'", "\\\"", "[a](b)", "9",
        ]
    ),
    max_size=30,
).map("".join)
# fmt: on


@settings(max_examples=1500, deadline=None)
@given(st.lists(typography, max_size=3))
def test_quotes_dashes_and_stops_render_as_smarty_renders_them(paragraphs: list[str]) -> None:
    fast, plain = both_ways("\n\n".join(paragraphs))
    assert fast == plain


# Lines that begin with what begins Markdown blocks, to tempt the block-level shortcut.
line = st.builds(
    str.__add__,
    st.sampled_from(
        [
            "",
            " ",
            "    ",
            "\t",
            "# ",
            "> ",
            "- ",
            "* ",
            "+ ",
            "1. ",
            "2) ",
            ": ",
            "=",
            "---",
            "***",
            "___",
            "[x]: ",
            "[^1]: ",
            "*[A]: ",
            "```",
            "~~~",
            "<p>",
            "| ",
            "a |",
        ]
    ),
    st.text(alphabet="ab 1-=|*:", max_size=8),
)


@settings(max_examples=300, deadline=None)
@given(st.lists(st.lists(line, min_size=1, max_size=3).map("\n".join), max_size=4))
def test_any_blocks_render_as_without_the_shortcut(blocks: list[str]) -> None:
    fast, plain = both_ways("\n\n".join(blocks))
    assert fast == plain


def test_each_text_is_tried_only_against_patterns_that_could_match_it() -> None:
    converter = _converter()
    inline = converter.treeprocessors["inline"]
    inline.run(Element("div"))  # plans the patterns
    emphasis = inline._patterns_for("Some *emphasis* here")
    assert emphasis == [converter.inlinePatterns["em_strong"]]
    assert inline._patterns_for("No markup at all") == []
    # smarty's quotes, dashes and stops are put by the typographer, which tries each of
    # smarty's patterns only where its match can begin (the tests above compare the HTML).
    assert type(converter.treeprocessors["smarty"]).__name__ == "_Typographer"


def test_a_paragraph_built_to_hang_the_renderer_renders_at_once_as_text() -> None:
    # 50,000 "[" then "](" took Python-Markdown past two minutes: one scraped page stalled
    # every build. In a process of its own, so that a regression fails instead of hanging.
    script = (
        "from briefings.markup.markdown import markdown_to_html\n"
        "html = markdown_to_html('Intro [a link](https://example.org).\\n\\n'"
        " + '[' * 50000 + '](' * 50000 + '\\n\\nThe end.')\n"
        "print(html.count('['), html.count('href'), 'The end.' in html)"
    )
    run = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, timeout=60)
    assert run.stdout.split() == ["50000", "1", "True"]  # as written; other paragraphs as ever


def test_a_long_table_of_links_is_a_table_as_ever() -> None:
    row = "| Sep {i} | [Lecture {i}](https://a.example/{i}) | [Slides](https://a.example/s{i}) |"
    table = "| Date | Topic | Slides |\n|---|:---|---|\n" + "\n".join(
        row.format(i=i) for i in range(100)
    )
    html = markdown_to_html(table)
    assert html.count("<tr>") == 101 and html.count("<a href=") == 200
    hanging = "| " + "[" * 5000 + " | x |"  # one row built to hang it: the table as text
    assert "<tr>" not in markdown_to_html(f"{table}\n{hanging}")


@pytest.mark.parametrize(
    "text",
    [
        # "1." lines in a list of "- " items are text of the item before: one item, read at once
        "- intro\n" + "\n".join(("- " if i == 0 else "1. ") + "[" * 60 for i in range(50)),
        # a rule with no "|" makes a heading, not a table: the lines after it are one paragraph
        "a | b\n---\n" + "\n".join("[" * 60 for _ in range(50)),
    ],
)
def test_lines_markdown_reads_as_one_text_count_their_brackets_together(text: str) -> None:
    html = markdown_to_html(text)
    assert "<li>" not in html and "<h2" not in html and "[" * 60 in html  # shown as text


def test_links_in_a_paragraph_shown_as_text_stay_links() -> None:
    """A references paragraph with a hundred links is read as text (too many brackets for
    Markdown), but its plain links are links, not their Markdown; nothing else is read, and
    an address no page may link to is dropped as ever."""
    links = " ".join(f"[Source {i}](https://example.org/{i}) *n*" for i in range(100))
    html = markdown_to_html(f"{links} [bad](javascript:alert(1)) [<b>x</b>](https://e.org/x)")
    assert html.count('<a href="https://example.org/') == 100 and "](https" not in html
    assert "*n*" in html and "<em>" not in html  # no other markup read
    assert 'href="javascript' not in html and "[bad](javascript:alert(1))" in html
    assert "<b>" not in html and "&lt;b&gt;x&lt;/b&gt;</a>" in html


def test_a_paragraph_with_a_few_dozen_links_is_markdown_as_ever() -> None:
    text = " ".join(f"[link {i}](https://example.org/{i})" for i in range(40))
    assert markdown_to_html(text).count("<a href=") == 40


def test_a_long_list_of_links_is_markdown_as_ever() -> None:
    """A paper's references: hundreds of links in one list, a few an item. Markdown reads each
    item apart, so the list is no paragraph built to hang it: its links stay links."""
    item = "- Xie Y. Exercise and depression. \\[[DOI](https://doi.org/10.3389/{i})\\] \\[[PubMed](https://pubmed.ncbi.nlm.nih.gov/{i}/)\\]"
    references = "\n".join(item.format(i=i) for i in range(200))
    html = markdown_to_html(f"References:\n\n{references}\n\nThe end.")
    assert html.count("<li>") == 200 and html.count("<a href=") == 400
    assert "](https" not in html  # no link left as written
    # ...but one item holding as many brackets as a hanging paragraph is plain text
    hanging = "- " + "[" * 5000 + "](" * 5000
    shown = markdown_to_html(f"{references}\n{hanging}")
    assert "<li>" not in shown and "[[[[" in shown


# 12,000 unclosed "<a " take Python-Markdown about ten seconds (quadratic, like brackets), and
# defuse() cannot know every such pattern: the time limit stops what it does not know.
SLOW = "Intro *kept*.\n\n" + "<a " * 12000 + "\n\nThe end."


def test_markdown_that_runs_past_its_time_limit_is_shown_as_plain_text() -> None:
    text = render_text(SLOW, "A *note*.", "", seconds=0.3)
    assert "over 0.3 s" in text.problem and "plain text" in text.problem
    body = text.body.decode()
    assert "&lt;a &lt;a" in body and "<p>The end.</p>" in body and "<em>" not in body
    assert text.note.decode() == "<p>A *note*.</p>"
    # the converter stopped mid-text is not used again: the next text renders as ever
    again = render_text("Some *emphasis*.", "", "")
    assert again.problem == "" and again.body.decode() == "<p>Some <em>emphasis</em>.</p>"


def test_a_fast_text_under_a_limit_renders_as_without_one() -> None:
    plain = render_text("Some *emphasis* and [a link](https://example.org).", "", "", seconds=0)
    limited = render_text("Some *emphasis* and [a link](https://example.org).", "", "", seconds=5)
    assert limited == plain and limited.problem == ""
