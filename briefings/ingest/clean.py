"""Cleaning shared by both extractors: repeated paragraphs and blocks, leftover boilerplate."""

from __future__ import annotations

import html
import re

import ftfy

from briefings.ingest.fields import TITLE_LABEL

BOILERPLATE = re.compile(
    r"^(share (this|on)|follow us|sign up|subscribe( now| to)?|newsletter|advertisement|"
    r"read more|related( articles| stories)?|recommended|most (read|popular|viewed)|ranking|"
    r"recommendation|comments?|post a comment|leave a (comment|reply)|you may also like|"
    r"cookies?|accept( all)?( cookies)?|we use cookies|skip to (main )?content|print|email|"
    r"click here|copyright|all rights reserved|©|back to top|view comments|tags?:?|in:|"
    r"view all|back to gallery|(?:image|photo|slide) \d+ of\b)\b",
    re.IGNORECASE,
)
# A photo gallery's place, alone on a line: "1 / 23", "Image 1 of / 9" (not "5/5", a score).
GALLERY_COUNTER = re.compile(
    r"(?:(?:image|photo|slide)\s+)?\d+\s+(?:/|of)\s+/?\s*\d+", re.IGNORECASE
)
RATING = re.compile(r"^(very ?good|good|bad|excellent|like|dislike)!?\s*\(\d+\)\s*$", re.IGNORECASE)
# A theme's filler text left in place ("Lorem ipsum dolor sit amet, ..."): no story's words.
PLACEHOLDER = re.compile(r"^lorem ipsum\b", re.IGNORECASE)
# A shop's disclosure that its links pay it ("Purchases made through our links may earn us a
# commission"): said by the site of itself, in the first person, on every page it sells from.
DISCLOSURE = re.compile(
    r"\b(?:(?:may|might|will|we|i)\s+)?earn(?:s)?\s+(?:us|me)?\s*(?:a\s+)?(?:small\s+)?(?:commissions?|fees?)\b"
    r"|\b(?:contains?|uses?|includes?|has)\s+affiliate\s+links\b"
    r"|\bas\s+an\s+amazon\s+(?:associate|affiliate)\b"
    r"|\baffiliate\s+(?:disclaimer|disclosure)\b",
    re.IGNORECASE,
)
# A site's cookie banner or policy come through after the story ("We use Necessary cookies to
# make our website work", a table of cookielawinfo-... rows): from there on it is all banner.
COOKIE_NOTICE = re.compile(
    r"\b(?:we|we'd|we’d|we\s+do\s+not|we\s+don['’]t)\s+(?:also\s+)?(?:like\s+to\s+)?"
    r"(?:use|set)\s+(?:a\s+lot\s+of\s+|optional\s+|necessary\s+|functional\s+)?cookies\b"
    r"|\bnecessary\s+cookies\b|\bcookielawinfo\b|\bif\s+we\s+use\s+(?:optional\s+)?cookies\b",
    re.IGNORECASE,
)
DISCLOSURE_LENGTH = 400  # characters: a disclosure is short; a story about commissions is not
# A copyright notice ("© Copyright 2004-2025 Jane Roe. All Rights Reserved."): the page's, not
# the story's. Not a line that only begins with the word ("Copyright Office weighs in on...")
# nor a credit ("© A.M. Best Company, used by permission"): a year or "rights reserved" says it.
COPYRIGHT_NOTICE = re.compile(
    r"^(?:©|\(c\)|copyright\b)(?=.*(?:\b(?:19|20)\d\d\b|\brights\s+reserved\b))"
    r"|\ball\s+rights\s+reserved\b",
    re.IGNORECASE,
)
NOTICE_WORDS = 40  # a notice is a line or two; a story about copyright is longer
# ...but one that opens with the notice itself is a notice, however long its terms run on
# ("Copyright 1995 - . All rights reserved. The content (including but not limited to ...").
NOTICE_OPENING = re.compile(
    r"^(?:©|\(c\)|copyright\b)[^.]{0,30}?[.,]?\s*all\s+rights\s+reserved\b", re.IGNORECASE
)
# A video player's text: what to watch, and how long it runs ("JUST WATCHED Chibok girls'
# abduction Replay More Videos ... MUST WATCH Chibok girls' abduction 01:26").
VIDEO_EMBED = re.compile(r"(?i)\bwatch(?:ed)?\b.*\s\d{1,2}:\d{2}$")
# A gallery's caption, ending with its place in the gallery ("... Hide Caption 2 of 30").
GALLERY_CAPTION = re.compile(
    r"\b(?:caption|image|photo|picture|slide)\s+\d+\s+of\s+\d+$", re.IGNORECASE
)


# What text that went through the wrong charset before the page was saved looks like: UTF-8
# read as Latin-1 or Windows-1252 ("â\x80\x99", "â€™", "Ã©"). Never in text that is right.
GARBLED = re.compile(
    "[ÂÃâ][\x80-\xbf]|Ã[\u00a0-\u00bf]|â[€\u201a\u201e\u2026\u2020\u2021\u02c6\u2030"
    "\u0160\u2039\u0152\u017d\u2018\u2019\u201c\u201d\u2022\u2013\u2014\u02dc\u2122\u0161"
    "\u203a\u0153\u017e\u0178]"
)


def mend(text: str) -> str:
    """TEXT (a whole page) with mojibake mended: text that went through the wrong charset
    before the page was saved ("Investorâ€™s", "cafÃ©"). Mended before anything reads the
    page: an extractor drops the control characters such text holds ("â\x80\x99"), and what
    is left ("Investorâs") can no longer be mended. ftfy's fix_encoding undoes a wrong
    decoding only where the result is far more plausible text (so "Ångström" and "São Paulo"
    stay); it takes ~50 ms on a page, so it runs only where GARBLED finds the signs of one
    (20 of 1,144 dev pages)."""
    if GARBLED_ENTITY.search(text):  # (rare: reading every run of entities costs ms a page)
        text = ENTITY_RUN.sub(_garbled_as_written, text)
    if not any(mark in text for mark in "ÂÃâ") or not GARBLED.search(text):
        return text
    return ftfy.fix_encoding(text)


# Mojibake a page wrote as entities ("isn&acirc;&euro;&trade;t"): runs of two or more, which
# begin with the entity of Â, Ã or â.
GARBLED_ENTITY = re.compile(r"&(?:[Aa]circ|Atilde|#(?:194|195|226|[xX](?:[cC][23]|[eE]2)));&")
ENTITY_RUN = re.compile(r"(?:&(?:[A-Za-z]{2,8}|#[0-9]{2,5}|#[xX][0-9A-Fa-f]{2,4});){2,}")


def _garbled_as_written(run: re.Match[str]) -> str:
    """A run of entities as the characters they stand for, when those are mojibake (so that
    it can be mended); else the run as it is. Never markup: the characters are all non-ASCII."""
    chars = html.unescape(run.group(0))
    garbled = all(ord(c) > 127 for c in chars) and GARBLED.search(chars)
    return chars if garbled else run.group(0)


def normalise(text: str) -> str:
    return " ".join(re.sub(r"[^\w\s]", "", text.lower()).split())


def drop_repeats(paragraphs: list[str]) -> list[str]:
    """Every paragraph once: pages often carry the body twice (an AMP copy, a print copy)."""
    seen: set[str] = set()
    kept = []
    for paragraph in paragraphs:
        key = normalise(paragraph)
        if key and key in seen:
            continue
        seen.add(key)
        kept.append(paragraph)
    return kept


def is_boilerplate(line: str) -> bool:
    text = line.strip().strip("-–—•*# ").strip()
    if not text:
        return True
    if RATING.match(text) or PLACEHOLDER.match(text):
        return True
    if len(text) <= DISCLOSURE_LENGTH and DISCLOSURE.search(text) and _first_person(text):
        return True
    if len(text.split()) <= NOTICE_WORDS and COPYRIGHT_NOTICE.search(
        MARKDOWN_LINK.sub(r"\1", text)
    ):
        return True
    if (
        NOTICE_OPENING.match(text)
        or GALLERY_COUNTER.fullmatch(text)
        or GALLERY_CAPTION.search(text)
        or VIDEO_EMBED.search(text)
    ):
        return True
    return len(text.split()) <= 6 and BOILERPLATE.match(text) is not None


FIRST_PERSON = re.compile(r"\b(?:we|us|our|i|me|my)\b", re.IGNORECASE)


def _first_person(text: str) -> bool:
    """The site speaks of itself ('our links', 'I earn'), or of 'this post': not a report
    about someone else's commissions."""
    return FIRST_PERSON.search(text) is not None or "this post" in text.lower()


# Calls to action a page wraps around its article: newsletter and subscription prompts, sharing,
# contact notes, teasers for other stories. A short paragraph made mostly of them is not the story.
PROMPT = re.compile(
    r"^(?:sign up(?: now| here| today)?[.!:]|\[?sign up (?:now|here|today)\b|sign up (?:for|to) (?:(?:our|the|a|\S+[’']s) )?(?:\S+ ){0,3}"
    r"(?:newsletters?|e-?mails?|alerts|updates)\b|subscribe\b|click here|like this (?:story|article)|share (?:it|this)\b|"
    r"don[’']?t miss|tell us what you think|follow (?:us|him|her|them|me)\b|have a (?:news )?tip|"
    r"download (?:our|the) app|register (?:now|today|for (?:our|free)\b)|get the latest|get (?:\S+ ){1,6}delivered|get (?:\S+ ){0,2}news alerts\b|join (?:us|our)\b|"
    r"thanks? (?:you )?for (?:signing up|subscribing|reading)|keep an eye on your inbox|"
    r"there was an error processing|sorry!|read more\b|more:|related:|see also\b|"
    r"\S+(?: \S+){0,3} (?:may|can) be reached at|e-?mail (?:him|her|them|us|me) at|"
    r"start your day with|send us (?:your|a)\b|(?:\S+ ){0,3}newsletters?$|"
    # "... newsletter has all the best recommendations, delivered right to your inbox."
    r".*\b(?:delivered|dropped|sent|straight|directly|right) (?:to|in|into) your inbox\b)",
    re.IGNORECASE,
)
# The site's own pitch, said anywhere in a sentence: only in the story's last paragraphs, where
# a page asks to be followed, subscribed to or paid ("...and follow us on Facebook, Instagram and
# TikTok to stay up to date"). In the story, such words are news ("subscribers rose 4%").
PITCH = re.compile(
    r"\bfollow (?:us|me) (?:on|here)\b|\bfollow on social media\b|\bstay (?:up to date|in touch)\b|"
    r"\b(?:your|reader) donations?\b|\bdonate (?:now|today|via|to us)\b|\bbecome a (?:patron|paid subscriber|member)\b|"
    r"\bsupport (?:us|our|my) (?:work|journalism|newsroom|mission)\b|\btell your friends\b",
    re.IGNORECASE,
)
# What may open a call to action before its words: quotes, emphasis, an emoji or an arrow.
_OPENING = re.compile(r"^(?:[^\w\[(]|_)+")
# Where a sentence ends: a stop and a space, or a stop of Chinese or Japanese (no space after).
SENTENCES = re.compile(r"(?<=[.!?…])\s+(?=\S)|(?<=[。！？])\s*(?=\S)")
# Scripts that write words with no spaces between them: Chinese and Japanese, Thai, Lao,
# Myanmar, Khmer...
_UNSPACED = "\u3040-\u30ff\u3400-\u4dbf\u4e00-\u9fff\u0e00-\u0eff\u1000-\u109f\u1780-\u17ff"
UNSPACED = re.compile(f"[{_UNSPACED}]")
# ...and with Korean's, the letters of scripts with no capitals: a line of them holds more
# than its spaces say, and a name in them begins with no capital.
UNCASED = _UNSPACED + "\uac00-\ud7af"
IDEOGRAPH = re.compile(f"[{UNCASED}]")


def word_count(text: str) -> int:
    """Words in TEXT, a word of a script that writes no spaces (UNSPACED) taken as two
    characters."""
    return max(len(text.split()), len(UNSPACED.findall(text)) // 2)


LINK_ONLY = re.compile(r"^(?:[-*+]\s*)?(?:\[[^\]]*\]\([^)]*\)[\s|,;·•-]*)+$")
HEADING = re.compile(r"^#{1,6}\s+")
# WordPress shortcodes a page leaked as text: [button link="..."]Send us a review[/button]
SHORTCODE = re.compile(r"\[/?[a-z_]+(?:\s[^\]]*)?\]")
BARE_URL = re.compile(r"https?://\S+")
MARKDOWN_LINK = re.compile(r"\[([^\]]*)\]\([^)\s]*\)")
TAIL = 3  # paragraphs at the end where a prompt ends the story
# The heading of a page's table of contents: the list itself is links to the page's own
# sections, which extraction drops, so the heading is left standing over the story's first lines.
CONTENTS_HEADING = re.compile(
    r"^(?:#{1,6}\s+)?\W*(?:table of contents|contents|in this (?:article|post|guide)|on this page|"
    r"jump to(?: section)?|quick links|skip to section)\W*$",
    re.IGNORECASE,
)
LIST_ITEM = re.compile(r"^\s*(?:[-*+]|\d+[.)])\s")


def polish(paragraphs: list[str], title: str = "") -> list[str]:
    """The cleaning every extractor's output gets: boilerplate lines, prompts, the headline
    repeated as the first heading, link lists trailing the story, repeated paragraphs."""
    kept = [cleaned for p in paragraphs if (cleaned := _without_shortcodes(p))]
    kept = [p for p in kept if not is_boilerplate(p) and not _mostly_links(p)]
    tail = next(
        (i for i in range(max(0, len(kept) - TAIL), len(kept)) if is_prompt(kept[i], pitch=True)),
        None,
    )
    if tail is not None and tail > 0:
        kept = kept[:tail]  # a prompt near the end: what follows it is the prompt's own pitch
    banner = next(
        (i for i in range(len(kept) * 2 // 3, len(kept)) if COOKIE_NOTICE.search(kept[i])), None
    )
    if banner is not None and banner > 0:
        kept = kept[:banner]  # in the last third: the site's cookie banner, and all after it
    kept = [p for p in kept if not is_prompt(p)]
    kept = [
        p
        for i, p in enumerate(kept)
        if not (CONTENTS_HEADING.match(p.strip()) and not _list_follows(kept, i))
    ]
    while kept and BREADCRUMB.match(kept[0].strip()):
        kept = kept[1:]  # the page's trail to the story, set as a heading above it
    if kept and title and HEADING.match(kept[0]) and _repeats(kept[0], title):
        kept = kept[1:]  # the title is in the front matter; the page shows it once
    while kept and LINK_ONLY.match(kept[-1].strip()):
        kept.pop()
    return drop_repeats([_drop_cap_joined(p) for p in kept])


# A breadcrumb trail set as a heading: "Computer Science > Artificial Intelligence".
BREADCRUMB = re.compile(r"^#{1,6}\s+[^>›»]{1,60}(?:\s[>›»]\s(?=[A-Z0-9])[^>›»]{1,60}){1,5}$")


def _repeats(heading: str, title: str) -> bool:
    """Whether HEADING is the headline TITLE again, as the page writes it or with the label a
    headline loses ("Title:AlignMerge ...", see fields.tidy_headline)."""
    text = HEADING.sub("", heading.strip())
    return normalise(title) in (normalise(text), normalise(TITLE_LABEL.sub("", text)))


# A paragraph that opens with a drop cap set apart from its word ("T he Davis Cup Final began",
# "H ong Kong is burning"): the page styles the first letter, a text dump spaces it off.
DROP_CAP = re.compile(r"([B-HJ-NP-Z]) ([a-z]+)\b")  # (not A, I, O: words of their own)


def _drop_cap_joined(paragraph: str) -> str:
    """PARAGRAPH with its drop cap joined to its word, when the two make a word that is more
    common than the rest alone ("T he" -> "The"; not "R is a language", "C and C++")."""
    found = DROP_CAP.match(paragraph)
    if found is None:
        return paragraph
    from wordfreq import zipf_frequency  # (only for such a paragraph: its word list is large)

    joined = found.group(1) + found.group(2)
    common = zipf_frequency(joined, "en")
    if common >= 3.0 and common > zipf_frequency(found.group(2), "en"):
        return joined + paragraph[found.end() :]
    return paragraph


def is_prompt(paragraph: str, max_words: int = 60, pitch: bool = False) -> bool:
    """Whether PARAGRAPH is mostly calls to action (PROMPT); with PITCH, the site's pitch said
    anywhere in a sentence counts too (see PITCH: for the story's last paragraphs)."""
    text = HEADING.sub("", paragraph.strip()).strip("*_>- ")
    if not text or len(text.split()) > max_words:
        return False
    sentences = SENTENCES.split(text)
    prompts = sum(
        1
        for s in sentences
        if PROMPT.match(_OPENING.sub("", s)) or (pitch and PITCH.search(s) is not None)
    )
    return prompts * 2 >= len(sentences) and prompts > 0


def _list_follows(paragraphs: list[str], i: int) -> bool:
    """Whether the paragraph after I is a list: a table of contents that came through whole
    stays whole (the editor decides); a heading left over a paragraph of story does not."""
    return i + 1 < len(paragraphs) and LIST_ITEM.match(paragraphs[i + 1]) is not None


def _without_shortcodes(paragraph: str) -> str:
    if "[/" not in paragraph:
        return paragraph
    return " ".join(SHORTCODE.sub(" ", paragraph).split())


def _mostly_links(paragraph: str) -> bool:
    """A paragraph of bare addresses with labels ('Tickets: https://... Listen: https://...')."""
    text = MARKDOWN_LINK.sub(r"\1", paragraph)  # a link's address is not shown
    urls = BARE_URL.findall(text)
    return len(urls) >= 2 and sum(map(len, urls)) * 2 >= len(text)


# What a byline line may hold besides the names: a lead-in, a read time, separators.
BYLINE_WORDS = re.compile(
    r"\b(?:posted|written|words|story|by|and|author|authors|\d+\s*-?\s*min(?:ute)?s?\s*read)\b",
    re.IGNORECASE,
)
HEADER_LEAD = 3  # paragraphs at the top where the page's byline and dates may have come through
# "Last updated on: April 21, 2025", "*Updated: 10/31/2024*", "Posted On" (its date elsewhere):
# when the story was published or changed, which the front matter says. (Not "Date: ...",
# which an event's page uses for the event's own days.)
_MONTH = (
    r"(?:jan|feb|mar|apr|may|jun|jul|aug|sep|sept|oct|nov|dec|january|february|march|april"
    r"|june|july|august|september|october|november|december)"
)
_DATE_WORD = (
    rf"(?:[0-9]{{1,4}}(?:st|nd|rd|th)?|{_MONTH}"
    r"|mon|tue|wed|thu|fri|sat|sun|monday|tuesday|wednesday|thursday|friday|saturday|sunday"
    r"|at|on|am|pm|a\.m|p\.m|utc|gmt|[ecmp][sd]t)"
)
_DATE_STATEMENT = (
    r"(?:(?:originally|first)\s+)?(?:last\s+)?(?:updated|published|posted|modified|reviewed)"
    r"(?:\s+(?:on|in))?\s*[:–—-]?"
    rf"[\s*_]*(?:{_DATE_WORD}\.?[\s,./:-]*){{0,9}}"
)
# When it was published or updated, and nothing else: "Last updated: April 21, 2025",
# "*Originally published in March 2022. Last updated on December 20, 2024.*"
DATE_LINE = re.compile(
    rf"^[*_#\s\\-]*{_DATE_STATEMENT}(?:[\s.;|·•*_]*{_DATE_STATEMENT})?[\s.*_]*$", re.IGNORECASE
)
DATE_LINE_LENGTH = 100
# A day alone ("October 10, 2021", "10 Oct 2021", "2021-10-10"): at the story's end, the date
# the page printed under it (when it was posted), not a line of the story.
BARE_DATE = re.compile(
    rf"^[*_\s\\-]*(?:{_MONTH}\.?\s+[0-9]{{1,2}},?\s+[0-9]{{4}}|[0-9]{{1,2}}\s+{_MONTH}\.?,?\s+[0-9]{{4}}"
    r"|[0-9]{4}-[0-9]{2}-[0-9]{2}|[0-9]{1,2}/[0-9]{1,2}/[0-9]{2,4})[*_\s.]*$",
    re.IGNORECASE,
)
FOOTER_TAIL = 2  # paragraphs at the end where the page's dates may have come through


# An author's note: "Jane Roe is a freelance travel writer living in ...".
AUTHOR_BIO = re.compile(
    r"^((?:Dr\.? )?[A-Z][\w'’.-]+(?: [A-Z][\w'’.-]+){1,2}) is an? (?:[\w-]+,? ){0,4}?"
    r"(?:writer|journalist|editor|reporter|author|contributor|blogger|columnist|correspondent)\b"
)
BIO_LENGTH = 80  # words: an author's note, not a profile's paragraph


def without_bio(paragraphs: list[str]) -> list[str]:
    """The story without the author's note that ends it and what the page printed after it
    (the front matter names the author): a short note in the story's last third. A profile
    introduces its subject earlier, and at length. (On aeb-dev and wcxb-dev, 6 of 7 such notes
    and all that followed them are no part of the truth's story.)"""
    for i in range(max(1, len(paragraphs) * 2 // 3), len(paragraphs)):
        note = paragraphs[i]
        if len(note.split()) <= BIO_LENGTH and AUTHOR_BIO.match(note.lstrip("*_ ")):
            return paragraphs[:i]
    return paragraphs


def without_header_lines(paragraphs: list[str], authors: list[str]) -> list[str]:
    """The story without what the page printed above it: its byline ('By **Jane Roe** — 10
    min read', '#### Jane Roe') and when it was published or updated ('Last updated: April
    21, 2025', '*Originally published in March 2022. Last updated on December 20, 2024.*').
    The front matter holds both, and the article page shows them once. Only a short line
    among the first HEADER_LEAD paragraphs that holds nothing else; and among the last
    FOOTER_TAIL, or in the run of them that ends the page, a line that says only when it was
    posted or updated ('*Updated September 26, 2011*', '- Posted July 10, 2004', 'October 10,
    2021')."""
    names = [normalise(a) for a in authors if normalise(a)]
    # Where the run of such lines that ends the page begins: a page may print each of its
    # updates ("*Updated 2013*", "*Updated 2011*", "- Posted 2004").
    end = len(paragraphs)
    while end > 0 and _posted(paragraphs[end - 1]):
        end -= 1
    tail = min(end, len(paragraphs) - FOOTER_TAIL)
    return [
        p
        for i, p in enumerate(paragraphs)
        if not (
            (i < HEADER_LEAD and (_only_byline(p, names) or _date_line(p)))
            or (i >= tail and _posted(p))
        )
    ]


def _posted(paragraph: str) -> bool:
    """PARAGRAPH says only when the page was posted or updated, or is a day alone."""
    return _date_line(paragraph) or BARE_DATE.match(paragraph.strip()) is not None


def _date_line(paragraph: str) -> bool:
    return len(paragraph) < DATE_LINE_LENGTH and bool(DATE_LINE.match(paragraph.strip()))


def _only_byline(paragraph: str, names: list[str]) -> bool:
    if not names or len(paragraph) > 120:
        return False
    text = normalise(MARKDOWN_LINK.sub(r"\1", paragraph))
    if not any(name in text for name in names):
        return False
    for name in sorted(names, key=len, reverse=True):
        text = text.replace(name, " ")
    return not BYLINE_WORDS.sub(" ", text).strip(" ,;:|•·—–-")
