"""The summary an editor would write first: the page's dek when it has a real one, else the first
paragraph that is the story's prose. Never a heading, a date, a byline, a credit, a prompt to
subscribe or listen, an affiliate disclosure or a fragment; never invented (it is the page's
own words, shortened at a sentence's end)."""

from __future__ import annotations

import html
import itertools
import re
import unicodedata

from briefings.ingest.clean import SENTENCES, UNSPACED, is_prompt, normalise, word_count
from briefings.ingest.opening import dateline_of

MIN_WORDS = 12
MAX_WORDS = 60
MARKDOWN_LINK = re.compile(r"!?\[([^\]]*)\]\([^)]*\)")
NOT_PROSE = re.compile(
    r"^(?:#|[-*+]\s|\d+[.)]\s|\||>\s*$)|"  # headings, lists, tables
    r"^(?:by|photo|photograph|image|credit|source|updated|published|posted|listen|"
    r"advertisement|sponsored|editor[’']s note|this (?:article|story|post) (?:was|is|contains))\b|"
    r"\b(?:getty images|shutterstock|reuters/|ap photo|afp via)\b",
    re.IGNORECASE,
)
# An affiliate disclosure ("Purchases made through our links may earn us a commission"): the
# page's small print, not what the story says.
DISCLOSURE = re.compile(
    r"\b(?:earns?|receives?|get|make)\s+(?:us\s+)?(?:a\s+)?(?:small\s+)?(?:commission|"
    r"affiliate fee|share of (?:the )?(?:sales|revenue))|\baffiliate (?:links?|commissions?)\b",
    re.IGNORECASE,
)
DISCLOSURE_WORDS = 40
# Cut off: at its end, or before the link a CMS puts after its excerpt of the page's first
# words ("… Continue reading Title": no dek, often a table's or a menu's words); or cut by
# length in the middle of an entity ("homeowners don&rsquo"); or where the page escaped a quote
# as code does, which in HTML ends the attribute ('content="... from \\"One Battle ..."').
TRUNCATED = re.compile(
    r"(?:\.\.\.|…|\[…\]|\[\.\.\.\])\s*(?:(?:continue reading|read more)\b.*)?$|&#?\w+$|\\$",
    re.IGNORECASE | re.DOTALL,
)


# Not a dek a page wrote: one cut inside a character (U+FFFD where a byte sequence broke off),
# or its text's whole run with the copyright line at the foot ("저작권자 ⓒ ... 무단전재").
NOT_A_DEK = re.compile(r"\ufffd|[©ⓒ]|\ball rights reserved\b", re.IGNORECASE)


# A paragraph wholly in brackets is an aside to what came before ("(We never did settle on one,
# unlike our 565 municipalities ...)"), an editor's insert or a note: no lead.
ASIDE = re.compile(r"[(\[].*[)\]][.!?]?", re.DOTALL)


# Inline HTML a page left in its text ("GeForce<sup>®</sup>"): Markdown shows it rendered, a
# summary is plain text. (Not an escaped "\<": that is a "<" the page wrote.)
HTML_TAG = re.compile(r"(?<!\\)</?[A-Za-z][A-Za-z0-9-]*(?:\s[^<>]*)?/?>")
MARKDOWN_ESCAPE = re.compile(r"\\([\\`*_{}\[\]()#+\-.!<>|])")


def choose_summary(paragraphs: list[str], description: str = "", title: str = "") -> str:
    # A description escaped twice by its page ("pricing &amp;amp; costs") reads plainly.
    dek = _without_call(" ".join(html.unescape(HTML_TAG.sub("", description)).split()))
    texts = [plain(paragraph) for paragraph in paragraphs[:12]]
    if (
        _is_prose(dek)
        and not _teaser(dek)
        and not TRUNCATED.search(dek)
        and not NOT_A_DEK.search(dek)
        and not _title_again(dek, title)
        and not _cut_from(dek, texts)
        and not _glued(dek, texts)
        and _whole_enough(short := _shorten(dek))
    ):
        return short
    for paragraph, text in zip(paragraphs, texts, strict=False):
        if (
            _is_prose(text)
            and not ASIDE.fullmatch(text)
            and not NOT_PROSE.search(paragraph.strip())
            and not _title_again(text, title)
            and _whole_enough(short := _shorten(text))
        ):
            return short
    return ""


# A call to action that ends a page's description: "Learn more!", "Read more here.", "Click to
# read State of AI newsletter, by ...".
CALL = re.compile(
    r"^(?:(?:learn|read|find out|discover|see) more\b.{0,20}|click\b.*|shop now\b.*)$",
    re.IGNORECASE,
)


def _teaser(dek: str) -> bool:
    """DEK is one question, a teaser ("Looking for the best drip coffee maker?"), not what the
    story says."""
    return dek.endswith("?") and len(SENTENCES.split(dek)) == 1


def _without_call(dek: str) -> str:
    """DEK without the calls to action it ends with (its last sentences): "" if it is all one."""
    sentences = SENTENCES.split(dek)
    while sentences and CALL.match(sentences[-1]):
        sentences.pop()
    return " ".join(sentences)


def _whole_enough(short: str) -> bool:
    """A paragraph shortened at its first sentence's end still says something: not a
    run-on whose only stop is an abbreviation ("South Dakota Gov." of a page's widget text
    glued to the story's first words)."""
    return word_count(short) >= MIN_WORDS


def plain(markdown: str) -> str:
    """MARKDOWN as the text a reader sees: no link targets, emphasis, inline HTML, escapes or
    entities."""
    text = MARKDOWN_LINK.sub(r"\1", markdown)
    text = HTML_TAG.sub("", text)
    text = re.sub(r"(?<!\\)[*_`]+", "", text)
    text = html.unescape(MARKDOWN_ESCAPE.sub(r"\1", text))
    return " ".join(text.split())


def _is_prose(text: str) -> bool:
    """Sentences: mostly letters (with their marks: Thai writes vowels as marks), with stops
    and commas. Thai and other scripts that write no spaces often write no commas either: a
    run of them twice as long as the shortest summary is prose too."""
    if word_count(text) < MIN_WORDS or is_prompt(text) or _disclosure(text):
        return False
    letters = sum(ch.isalpha() or unicodedata.category(ch) == "Mn" for ch in text)
    stops = bool(re.search(r"[.!?…:;,。、！？]", text))
    unspaced = len(UNSPACED.findall(text)) >= 4 * MIN_WORDS
    return letters >= 0.6 * len(text) and (stops or unspaced)


def _title_again(dek: str, title: str) -> bool:
    """DEK is the TITLE again, with a few words more ("Almost Timely News: ... :: View in
    Browser", "... - writeup.md") or twice: a page's title repeated, not a dek. (One that goes
    on into a sentence of its own, "AWS Lambda is a serverless compute service ...", is.)"""
    words, titled = normalise(dek).split(), normalise(title).split()
    if not titled or words[: len(titled)] != titled:
        return False
    rest = words[len(titled) :]
    return len(rest) < MIN_WORDS or rest[: len(titled)] == titled


def _cut_from(dek: str, texts: list[str]) -> bool:
    """DEK is the start of one of the first paragraphs (TEXTS, as plain text), cut off by
    length with no mark ("... settlements illegal, wh"): a CMS's excerpt, which the paragraph
    itself says whole."""
    if re.search(r"[.!?…\"”’')]$", dek):
        return False
    return any(len(text) > len(dek) and text.startswith(dek) for text in texts)


def _glued(dek: str, texts: list[str]) -> bool:
    """DEK runs one of the first paragraphs (TEXTS) into the next with no space between ("...
    the Healing Power of MusicOver the years, ...", "... for Kansas District CourtsKansas Legal
    Services ..."): a CMS's excerpt of the page's text, blocks joined as they come, not a dek
    anyone wrote."""
    texts = [text.lstrip("#").strip() for text in texts]
    return any(
        f"{one[-GLUE_CHARS:]}{two[:GLUE_CHARS]}" in dek
        for one, two in itertools.pairwise(texts)
        if len(one) >= GLUE_CHARS and len(two) >= GLUE_CHARS
    )


GLUE_CHARS = 12  # of each paragraph, where two meet


def _disclosure(text: str) -> bool:
    """A short paragraph of small print (a long one that mentions its links is still prose)."""
    return word_count(text) <= DISCLOSURE_WORDS and bool(DISCLOSURE.search(text))


def _shorten(text: str) -> str:
    """At most MAX_WORDS words, cut after a sentence where one ends in time; without the
    dateline that opens a news story ("NEW YORK (Reuters) - "): a list shows the outlet."""
    text = dateline_of(text)[1]
    if word_count(text) <= MAX_WORDS:
        return text
    # The first sentence, and as many more as fit (the text as written, up to a sentence's end).
    ends = [match.start() for match in SENTENCES.finditer(text)] + [len(text)]
    cut = next((end for end in reversed(ends) if word_count(text[:end]) <= MAX_WORDS), ends[0])
    short = text[:cut].rstrip()
    if word_count(short) > MAX_WORDS:
        if UNSPACED.search(short):  # no spaces to cut at: as many characters as words
            return short[: MAX_WORDS * 2].rstrip("、，,;:") + "…"
        short = " ".join(short.split()[:MAX_WORDS]).rstrip(",;:") + "…"
    return short
