"""Markdown to sanitized HTML: scraped text is hostile until nh3 has cleaned it."""

from __future__ import annotations

import html
import itertools
import re
import threading
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass
from typing import Protocol

import markdown
import nh3
from markupsafe import Markup

from briefings.markup.shortcuts import MarkdownShortcuts
from briefings.runtime.limits import OverTime, time_limit
from briefings.runtime.parallel import forked_results

EXTENSIONS = ["extra", "smarty", "sane_lists", "toc"]
EXTENSION_CONFIGS = {"toc": {"permalink": False}, "smarty": {"smart_angled_quotes": False}}

ALLOWED_TAGS = set(nh3.ALLOWED_TAGS) - {"center", "strike", "tt", "acronym", "map", "area"}
ALLOWED_ATTRIBUTES: dict[str, set[str]] = {
    **{tag: set(attrs) for tag, attrs in nh3.ALLOWED_ATTRIBUTES.items()},
    "*": {"id", "lang", "title", "dir"},
    "a": {"href", "hreflang", "title"},
    "img": {"src", "alt", "width", "height", "loading"},
    "sup": {"id"},
    "li": {"id"},
    "th": {"align", "colspan", "rowspan", "scope"},
    "td": {"align", "colspan", "rowspan"},
}
ALLOWED_CLASSES = {
    "a": {"footnote-ref", "footnote-backref"},
    "div": {"footnote"},
}
URL_SCHEMES = {"http", "https", "mailto"}
TEXTS_CHUNK = 250
TEXTS_PARALLEL_FROM = 1000  # below this, starting workers costs more than it saves
# An article's Markdown renders in milliseconds; one that takes this long is built to hang us
# (patterns defuse() does not know), and is shown as plain text instead.
RENDER_SECONDS = 5.0

_TAG = re.compile(r"<[^>]+>")
_PARAGRAPH = re.compile(r"<p>(.*?)</p>", re.DOTALL)


class Kept(Protocol):
    """Bytes kept out of memory (a build keeps each article's body HTML in a file beside its
    cache: see briefings.build.bodies), read again where a page shows them."""

    def read(self) -> bytes: ...


@dataclass(frozen=True)
class RenderedText:
    """An article's Markdown fields as safe HTML, rendered once per build.

    The HTML is held as UTF-8 and decoded where a page reads it: a large site keeps every
    article's, and one curly quote makes Python store a str in two or four bytes a character.
    (Pickling such a str, for the build cache, also keeps a UTF-8 copy of it alive.) A build
    keeps the body elsewhere (HELD is then where): only an article's own page and the feeds
    show it, and a large site's bodies are most of what it would hold."""

    held: bytes | Kept  # the body: its HTML, or where it is kept
    note: bytes
    excerpt: str
    problem: str = ""  # why the text is shown as plain text, or ""

    @classmethod
    def of(cls, body_html: str, note_html: str, excerpt: str, problem: str = "") -> RenderedText:
        return cls(body_html.encode(), note_html.encode(), excerpt, problem)

    @property
    def body(self) -> bytes:
        """The body's HTML, as UTF-8."""
        held = self.held
        return held if isinstance(held, bytes) else held.read()

    @property
    def body_html(self) -> Markup:
        return Markup(self.body.decode())

    @property
    def note_html(self) -> Markup:
        return Markup(self.note.decode())


def sanitize(fragment: str) -> Markup:
    """Strip everything but harmless markup: no script, style, iframe, handlers or javascript: URLs."""
    return Markup(_CLEANER.clean(fragment))


_CLEANER = nh3.Cleaner(
    tags=ALLOWED_TAGS,
    clean_content_tags={"script", "style", "iframe", "object", "embed", "noscript", "template"},
    attributes=ALLOWED_ATTRIBUTES,
    allowed_classes=ALLOWED_CLASSES,
    url_schemes=URL_SCHEMES,
    link_rel="noopener noreferrer nofollow",
    strip_comments=True,
)


def markdown_to_html(text: str) -> Markup:
    """Render Markdown with the site's extensions, then sanitize."""
    if not text.strip():
        return Markup("")
    return sanitize(_converter().reset().convert(defuse(text)))


MAX_BRACKETS = 64  # in one paragraph: more is no article's links, but a page built to hang us
_BLOCKS = re.compile(r"(\n[ \t]*\n)")


# Where a list's item begins: Markdown reads each item's inline markup apart from the others'.
# Only a marker of the list's own kind begins one ("1. two" in a list of "- " items is text of
# the item before it).
_ITEMS = {
    "bullet": re.compile(r"^[ \t]{0,3}[-*+](?:[ \t]|$)", re.MULTILINE),
    "number": re.compile(r"^[ \t]{0,3}\d{1,9}[.)](?:[ \t]|$)", re.MULTILINE),
}
# A table's second line, under its head: "|---|:--:|" (so each cell is read apart too). A
# rule with no "|" ("---") makes the line above it a heading, and what follows a paragraph.
_TABLE_RULE = re.compile(r"^[ \t]*\|?[ \t]*:?-+:?[ \t]*(?:\|[ \t]*:?-+:?[ \t]*)*\|?[ \t]*$")


def defuse(text: str) -> str:
    """TEXT with any paragraph (or list item) holding more than MAX_BRACKETS brackets given as
    plain text (an HTML paragraph, escaped, which Markdown passes over whole). Python-Markdown
    reads inline markup in time quadratic in the matches of a paragraph (1,000 "[" take 0.2 s,
    10,000 half a minute, escaped or not): one scraped page could stall every build and the
    watcher. A list's items and a table's cells are read one by one, so a long list or table
    of links (a paper's references, a course's lectures) is Markdown as ever: its time grows
    with its length."""
    if text.count("[") <= MAX_BRACKETS:
        return text
    return "".join(_as_text(block) if _hangs(block) else block for block in _BLOCKS.split(text))


def _hangs(block: str) -> bool:
    """Whether BLOCK holds more brackets than Markdown reads at once in reasonable time: in a
    paragraph, in all; in a list (a block that opens with an item), in one of its items; in a
    table, in one of its rows. (Python-Markdown lets no list begin inside a paragraph: a
    paragraph's lines that look like items are read with it.)"""
    if block.count("[") <= MAX_BRACKETS:
        return False
    lines = block.strip("\n").split("\n")
    if len(lines) > 2 and "|" in lines[0] and "|" in lines[1] and _TABLE_RULE.match(lines[1]):
        return any(line.count("[") > MAX_BRACKETS for line in lines)
    kind = next((k for k, item in _ITEMS.items() if item.match(block.lstrip("\n"))), None)
    if kind is None:
        return True  # a paragraph: read as one
    starts = [m.start() for m in _ITEMS[kind].finditer(block)]
    ends = [*starts[1:], len(block)]
    return any(block[a:b].count("[") > MAX_BRACKETS for a, b in zip(starts, ends, strict=True))


# A link as ingest writes one, "[text](https://...)": text without brackets, an address
# without spaces or brackets. Matched in one pass (each try stops at the next bracket).
_PLAIN_LINK = re.compile(r"\[([^\[\]\n]{1,300})\]\((https?://[^\s()<>\[\]]{1,2000})\)")


def _as_text(block: str) -> str:
    """BLOCK as one escaped HTML paragraph: Markdown passes over it whole, reading nothing. Its
    plain links ("[text](https://...)") are links still, not their Markdown shown as written
    (nh3 checks them as it checks every link)."""
    text = " ".join(block.split())
    parts, at = [], 0
    for match in _PLAIN_LINK.finditer(text):
        parts.append(html.escape(text[at : match.start()]))
        label, address = (html.escape(g) for g in match.groups())
        parts.append(f'<a href="{address}">{label}</a>')
        at = match.end()
    parts.append(html.escape(text[at:]))
    return f"<p>{''.join(parts)}</p>"


_local = threading.local()


def _converter() -> markdown.Markdown:
    """One converter per thread, reset between texts: setting up the extensions costs more
    than converting a short article."""
    converter = getattr(_local, "converter", None)
    if converter is None:
        converter = _local.converter = markdown.Markdown(
            extensions=[*EXTENSIONS, MarkdownShortcuts()],
            extension_configs=EXTENSION_CONFIGS,
            output_format="html",
        )
    return converter


def plain_text(fragment: str) -> str:
    """Visible text of an HTML fragment, whitespace folded."""
    return " ".join(html.unescape(_TAG.sub(" ", fragment)).split())


# Where a block ends (a paragraph, heading, list item, quote, caption): a line ends there.
_BLOCK_END = re.compile(
    r"</(?:p|h[1-6]|li|dt|dd|blockquote|figcaption|pre|tr|table|ul|ol|div)\s*>|<br\s*/?>", re.I
)


def leading_lines(fragment: bytes, count: int) -> str:
    """The first COUNT words of plain_text(FRAGMENT), an HTML fragment in UTF-8, each block
    (paragraph, heading, list item) on a line of its own: what tells a heading from a sentence.
    Only as much of a long fragment is read as it takes: ever longer starts of it, until one
    holds more words. (Cut anywhere, a start differs from the whole only in its last word: a
    character cut short is dropped, and so is a tag cut short.)"""
    size = 8 * count
    while True:
        whole = size >= len(fragment)
        start = fragment.decode() if whole else fragment[:size].decode(errors="ignore")
        if not whole and start.rfind("<") > start.rfind(">"):
            start = start[: start.rfind("<")]
        # (A new line within a block is a space: only block ends make lines.)
        marked = _BLOCK_END.sub("\x00", start.replace("\n", " "))
        lines = [line.split() for line in html.unescape(_TAG.sub(" ", marked)).split("\x00")]
        if whole or sum(map(len, lines)) > count:  # every word but the last is whole
            break
        size *= 2
    return first_words(lines, count)


def first_words(lines: Iterable[list[str]], count: int) -> str:
    """The first COUNT words of LINES (each a line's words), a line of text each; lines with no
    words left out."""
    kept: list[str] = []
    room = count
    for words in lines:
        if room <= 0:
            break
        if words:
            kept.append(" ".join(words[:room]))
            room -= len(words)
    return "\n".join(kept)


def excerpt(body_html: str, summary: str = "", limit: int = 240, title: str = "") -> str:
    """The summary if there is one, else the first paragraph that reads as a sentence (not a
    caption's "Video", a "HOST:" line or a dateline of a few words) and does not open with the
    TITLE (a page's headline pasted atop its text), shortened at a word boundary; failing
    that, the first paragraph."""
    if summary:
        return summary
    headline = _folded(title)
    first = None
    for match in itertools.islice(_PARAGRAPH.finditer(body_html), 6):  # read one at a time
        text = plain_text(match.group(1))
        first = text if first is None else first
        opens = headline and _folded(text[: 2 * len(title) + 16]).startswith(headline)
        if _reads_as_sentence(text) and not opens:
            break
    else:
        text = plain_text(body_html) if first is None else first
    if len(text) <= limit:
        return text
    cut = text[:limit].rsplit(" ", 1)[0].rstrip(",;:.-—")
    return cut + "…"


EXCERPT_MIN_WORDS = 8


def _reads_as_sentence(text: str) -> bool:
    return len(text.split()) >= EXCERPT_MIN_WORDS and not text.rstrip().endswith(":")


def _folded(text: str) -> str:
    """TEXT's words in lower case, without punctuation: a title as a paragraph repeats it."""
    return " ".join(re.sub(r"[^\w\s]", " ", text.casefold()).split())


def render_texts(fields: Sequence[tuple[bytes, str, str, str]]) -> Iterator[RenderedText]:
    """render_text of each (body as UTF-8, note, summary, title), on every core when there are many,
    in order as they are done. Forked workers inherit FIELDS: only index ranges and the HTML
    cross between processes."""

    def work(indexes: range) -> list[RenderedText]:
        chunk = fields[indexes.start : indexes.stop]
        return [
            render_text(body.decode(), note, summary, title=title)
            for body, note, summary, title in chunk
        ]

    return forked_results(work, len(fields), TEXTS_CHUNK, TEXTS_PARALLEL_FROM)


def render_text(
    body: str, note: str, summary: str, seconds: float | None = None, title: str = ""
) -> RenderedText:
    """BODY and NOTE as HTML; when rendering them takes over SECONDS (RENDER_SECONDS; where a
    limit can be set: see runtime.limits), both as plain paragraphs, the reason in `problem`."""
    seconds = RENDER_SECONDS if seconds is None else seconds
    problem = ""
    body_html: str  # Markup, or plain paragraphs when stopped
    note_html: str
    try:
        with time_limit(seconds):
            body_html, note_html = markdown_to_html(body), markdown_to_html(note)
    except OverTime:
        _local.converter = None  # stopped mid-text: its state is not to be trusted
        body_html, note_html = _plain_paragraphs(body), _plain_paragraphs(note)
        problem = (
            f"its Markdown took over {seconds:g} s to render (a pattern that makes Markdown "
            "slow, such as thousands of brackets), so it is shown as plain text; "
            "simplify the text to get its formatting back"
        )
    shown = excerpt(body_html, summary, title=title)
    return RenderedText.of(body_html, note_html, shown, problem)


def _plain_paragraphs(text: str) -> str:
    """TEXT as escaped paragraphs, no markup read: linear in its length."""
    return "".join(_as_text(block) for block in _BLOCKS.split(text) if block.strip())
