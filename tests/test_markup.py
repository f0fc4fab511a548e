import pytest

from briefings import parallel
from briefings.markup import excerpt, markdown_to_html, render_text, render_texts
from tests.conftest import counting_pool

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


def test_note_is_sanitised_too() -> None:
    text = render_text("Body", "<script>x()</script>**Why**", "")
    assert "<script" not in text.note_html and "<strong>Why</strong>" in text.note_html


def test_texts_rendered_in_worker_processes_equal_those_rendered_here(monkeypatch) -> None:
    fields = [
        (f'Para {n} with *emphasis* and "quotes".\n\nMore -- text.', "", "") for n in range(40)
    ]
    here = render_texts(fields)
    monkeypatch.setattr(parallel, "may_fork", lambda: True)  # other tests leave idle threads
    used = []
    monkeypatch.setattr(parallel, "ProcessPoolExecutor", counting_pool(used))
    assert parallel.chunked_map(render_texts, fields, 10, 20) == here
    assert used  # it did run in worker processes
