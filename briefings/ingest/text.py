"""Our cleaner for whole-page text dumps: finds the article among menus, link lists, comment
policies and footers, and recovers what the page says about it. It never invents: every sentence
it returns is in the input; a field it infers rather than reads is listed in `guessed`."""

from __future__ import annotations

import re
from dataclasses import dataclass

from briefings.ingest.authors import author_names
from briefings.ingest.clean import (
    first_sentence,
    is_boilerplate,
    normalise,
    polish,
    split_dateline,
    trim_title,
)
from briefings.ingest.model import Extracted

STOP = frozenset(
    "a an and are as at be been but by for from had has have he her his i in into is it its of on or "
    "our she that the their them they this to was we were which who will with would you said not after "
    "also more than about over says could there when what".split()
)
IDEOGRAPH = re.compile(r"[\u3040-\u30ff\u3400-\u4dbf\u4e00-\u9fff\uac00-\ud7af]")
WORD = re.compile(r"[^\W_]+(?:['’][^\W_]+)*", re.UNICODE)
SENTENCE_END = re.compile(r"[.!?…\"”’)\]。！？」』]\s*$")
END_MARKERS = re.compile(
    r"^(related( articles| stories| news)?|ranking|recommendation|recommended( for you)?|most (read|popular|viewed|shared)|"
    r"comments?( \(\d+\))?|post a comment|leave a (comment|reply)|you (may|might) also like|more (from|on) |"
    r"read (more|next)|latest news|trending|share this( article)?|about the author|sign up for|"
    # the widgets after a story: sponsored links, previous/next navigation
    r"sponsored( content| stories| links)?|promoted( stories| content)?|around the web|"
    r"from (our|the) partners|previous( post| article| story)?( next)?|next (post|article|story)|"
    # the same headings in the languages news pages most often come in
    r"関連記事|関連ニュース|人気記事|相关(文章|新闻|阅读)|热门|관련\s?기사|많이 본|"
    r"(art[ií]culos|noticias|not[ií]cias|mat[ée]rias|articles|articoli|artikel) (relacionad[oa]s|connexes|correlati|terkait)|"
    r"te puede interesar|lo m[aá]s (le[ií]do|visto)|leia (tamb[ée]m|mais)|veja tamb[ée]m|mais lidas|"
    r"lire aussi|(à|a) lire aussi|sur le m[eê]me sujet|les plus lus|lesen sie auch|mehr zum thema|"
    r"meistgelesen|leggi anche|i pi[uù] letti|читайте также|похожие (статьи|новости)|baca juga|berita terkait)\b",
    re.IGNORECASE,
)
BOX_HEAD = re.compile(
    r"^(related( articles| stories| news| coverage| content)?|read (more|also|next)|recommended|"
    r"you (may|might) also like|more (from|on|stories)\b|see also|also read|don[’']t miss)\b:?",
    re.IGNORECASE,
)
DATE_PATTERNS = [
    re.compile(r"\b(\d{4}-\d{2}-\d{2})(?:[ T](\d{2}:\d{2}(?::\d{2})?))?"),
    re.compile(
        r"\b((?:Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sep|Sept|Oct|Nov|Dec)[a-z]*\.? \d{1,2},? \d{4})\b"
    ),
    re.compile(
        r"\b(\d{1,2} (?:Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sep|Sept|Oct|Nov|Dec)[a-z]* \d{4})\b"
    ),
]
CREDIT = re.compile(
    r"\s*[(\[]?\b(?:Photo|Photograph|Picture|Image|Credit)s?\s*(?:by|:)\s*(?:via\s+)?([^)\]]{2,60})[)\]]?\s*$",
    re.IGNORECASE,
)
# A caption's credit as wire photos end it: the photographer and the agency ("(AP Photo/Richard
# Drew, File)", "(Alastair Grant/Associated Press)"), or a copyright after it ("... on July 15,
# 2016 ©Boris Horvat (AFP)"; one alone on a line may be any picture's, or the page's).
AGENCY_CREDIT = re.compile(
    r"\s*(?:\(((?:AP Photo|[A-Z][^()/]{1,40})/[A-Z][^()]{1,50})\)"
    r"|(?<=[\w.)])\s*©\s*([A-Z][^©()\d]{2,50}(?:\s*\([A-Z]{2,10}\))?))\s*$"
)
BYLINE = re.compile(
    r"^By\s+([A-Z][\w.'’-]+(?:\s+[A-Z][\w.'’-]+){0,3}(?:\s*(?:,|and)\s*[A-Z][\w.'’-]+(?:\s+[A-Z][\w.'’-]+){0,3})*)\s*$"
)
SITE_SUFFIX = re.compile(
    r"^(.{15,}?)(?:\s+[-–—]\s*|\s*\|\s*)([A-Z][\w&.' -]{1,30}(?<!\.)|[a-z0-9-]+(?:\.[a-z0-9-]+)+)\s*$"
)  # "Headline - Outlet", "Headline | The Anti-June Cleaver", "Headline - oregonlive.com" (not a
# sentence's end: '... as he shouted "Allahu Akbar" - God is greatest.')
WORDISH = re.compile(r"\w")
MODERATES = re.compile(r"^([A-Z][\w&.' -]{1,30}?) moderates all comments")
TAGS_HEAD = re.compile(r"^[-•*]?\s*(?:in|tags|topics|filed under|more on)\s*:\s*$", re.IGNORECASE)


@dataclass
class Line:
    text: str
    words: int
    stop_ratio: float
    sentence: bool
    size: int  # length in Latin-script characters: a CJK character counts as three

    @property
    def good(self) -> bool:
        # Prose: sentences with function words. Headlines end without a full stop; menus and link
        # lists are short or have few function words. In other languages (no English function
        # words) long lines that end like sentences are prose too.
        if self.words >= 25 and self.stop_ratio >= 0.2:
            return True
        if self.sentence and self.words >= 8 and self.stop_ratio >= 0.25:
            return True
        return self.stop_ratio < 0.05 and self.size >= 120 and (self.sentence or self.size >= 250)


def measure(text: str) -> Line:
    words = WORD.findall(text)
    stop = sum(1 for w in words if w.lower() in STOP)
    # Chinese, Japanese and Korean write words without spaces between them: count by characters.
    ideographs = len(IDEOGRAPH.findall(text))
    return Line(
        text,
        max(len(words), ideographs // 2),
        stop / len(words) if words else 0.0,
        bool(SENTENCE_END.search(text)),
        len(text) + 2 * ideographs,
    )


def extract_text(raw: str) -> Extracted:
    """The article in a whole-page text dump."""
    lines = [" ".join(line.split()) for line in raw.splitlines()]
    lines = [line for line in lines if line]
    measured = [measure(line) for line in lines]
    inline = set(inline_boxes(measured))
    lines = [line for i, line in enumerate(lines) if i not in inline]
    measured = [line for i, line in enumerate(measured) if i not in inline]
    start, end = main_block(measured)
    result = Extracted(extractor="briefings-text")
    if start is None:
        return result
    body = polish(lines[start:end])
    header = lines[:start]
    while body and _credit(body[0]) and len(body) > 1:
        header.append(body.pop(0))  # a photo caption above the story, not its first paragraph
    if len(body) > 2 and _credit_line(body[1]):  # ...or a caption, then its credit on a line
        header += [body.pop(0), body.pop(0)]
    _metadata(result, header, lines, body)
    result.paragraphs = body
    return result


def inline_boxes(lines: list[Line], most: int = 6) -> list[int]:
    """Lines of 'Related stories' or 'Read more' boxes set inside the story: a box heading with a
    few headlines after it (or a headline or two before a 'Read more'), between paragraphs of
    prose. Cut out, they no longer split the article in two."""
    boxed: list[int] = []
    for m, line in enumerate(lines):
        if line.words > 6 or not BOX_HEAD.match(line.text):
            continue
        if not any(earlier.good for earlier in lines[max(0, m - 30) : m]):
            continue  # no story above it yet: a menu, not a box inside the story
        after = m + 1
        while after < len(lines) and after - m <= most and _headline_like(lines[after]):
            after += 1
        before = m
        while before > 0 and m - before < 2 and _headline_like(lines[before - 1]):
            before -= 1
        story_goes_on = sum(1 for later in lines[after : after + 4] if later.good) >= 2
        if story_goes_on and (after > m + 1 or before < m):
            boxed.extend(range(before, after))
    return boxed


def _headline_like(line: Line) -> bool:
    return not line.good and not line.sentence and 2 <= line.words <= 20


def main_block(lines: list[Line]) -> tuple[int | None, int]:
    """The run of lines that is the article: clusters of prose lines (a few short lines between
    paragraphs are kept: subheads, quotes), scored by size, favoured when they start just after
    the headline and disfavoured after 'Comments' or 'Related'; then extended over the clusters
    that follow it until such a marker."""
    good = [i for i, line in enumerate(lines) if line.good]
    if not good:
        return None, 0
    clusters: list[list[int]] = [[good[0]]]
    for i in good[1:]:
        if _joins(clusters[-1][-1], i, lines, max_gap=3):
            clusters[-1].append(i)
        else:
            clusters.append([i])
    headline = _headline_index(lines)
    markers = [
        i for i, line in enumerate(lines) if line.words <= 6 and END_MARKERS.match(line.text)
    ]

    def score(cluster: list[int]) -> float:
        weight = float(sum(len(lines[i].text) for i in cluster))
        if headline is not None and 0 <= cluster[0] - headline <= 40:
            weight *= 3.0
        if any(m < cluster[0] and any(g < m for g in good) for m in markers):
            weight *= 0.3  # 'Comments' or 'Related' after some prose: the page has moved on
        return weight

    best = max(range(len(clusters)), key=lambda c: score(clusters[c]))
    start, end = clusters[best][0], clusters[best][-1] + 1
    for preceding in reversed(clusters[:best]):
        # The story's opening paragraphs, split from the rest by a picture or a pull quote.
        if (headline is not None and preceding[0] <= headline) or not _joins(
            preceding[-1], start, lines, max_gap=6, menu_run=3
        ):
            break
        start = preceding[0]
    for following in clusters[best + 1 :]:
        if not _joins(end - 1, following[0], lines, max_gap=12, menu_run=3):
            break
        end = following[-1] + 1
    return start, _continue(lines, end)


def _continue(lines: list[Line], end: int, menu_run: int = 3) -> int:
    """Stories go on past their last long paragraph (lists, recipes, credits of a kind): follow
    the lines after END until an end marker or a run of menu-like lines (a few words, no
    sentence) says the page has moved on."""
    last, run = end, 0
    for i in range(end, len(lines)):
        line = lines[i]
        if line.words <= 6 and END_MARKERS.match(line.text):
            break
        if line.words <= 3 and not line.sentence:
            run += 1
            if run >= menu_run:
                break
            continue
        run = 0
        last = i + 1
    return last


def _joins(a: int, b: int, lines: list[Line], max_gap: int, menu_run: int = 0) -> bool:
    """Whether the prose lines A and B belong to one article: few lines between them, none of
    them an end marker, and (with MENU_RUN) no run of that many menu-like lines either."""
    gap = lines[a + 1 : b]
    if len(gap) > max_gap or any(_ends(g) for g in gap):
        return False
    run = 0
    for line in gap:
        run = run + 1 if line.words <= 3 and not line.sentence else 0
        if menu_run and run >= menu_run:
            return False
    return True


def _ends(line: Line) -> bool:
    return line.words <= 6 and END_MARKERS.match(line.text) is not None


def _headline_index(lines: list[Line]) -> int | None:
    """Where the page's title (its first line, without the site's name) shows again as a headline."""
    if not lines:
        return None
    first = lines[0].text
    suffix = SITE_SUFFIX.match(first)
    key = normalise(suffix.group(1) if suffix else first)
    if len(key.split()) < 3:
        return None
    for i, line in enumerate(lines[1:], 1):
        text = normalise(line.text)
        if (
            text
            and (text == key or (len(text.split()) >= 3 and (text in key or key in text)))
            and line.words <= 40
        ):
            return i
    return None


def _metadata(result: Extracted, header: list[str], lines: list[str], body: list[str]) -> None:
    _title_and_source(result, header)
    result.date = _date(header) or _date(lines[: len(header) + 3])
    for line in header[-5:]:  # (a caption and its credit may follow the byline)
        match = BYLINE.match(line)
        if match:
            result.authors = author_names(match.group(1))  # as an HTML page's are cleaned
    _caption(result, header)
    result.dateline = split_dateline(body)
    result.tags = _tags(lines)
    if not result.source:
        for line in lines:
            match = MODERATES.match(line)
            if match:
                result.source = match.group(1).strip()
                break
    if not result.source and (holder := _copyright_holder(lines)):
        # Often the company, not the outlet ("NYP Holdings"): a guess the editor confirms.
        result.source = holder
        result.guessed.append("source")
        result.source_doubt = "read from the page's copyright line"
    if not result.title and body:
        # The page names no headline: use its first sentence, and say it was guessed.
        result.title = trim_title(first_sentence(body[0]))
        result.guessed.append("title")


# The holder a page's footer names: "© 2019 CNBC LLC. All Rights Reserved.", "Copyright ©
# 2019 CityAM. Limited", "© ScienceAlert Pty Ltd." (what follows it, and a company's suffix, cut).
COPYRIGHT_LINE = re.compile(
    r"(?i:©|\(c\)|\bcopyright\b)\s*(?:©\s*)?(?:\d{4}(?:\s*[-–]\s*\d{4})?[.,]?\s*)?(?:[-–]\s*)?"
    r"([A-Z][\w&'’.]*(?:\s+(?:&\s+)?[A-Z][\w&'’.]*){0,4})"
)
COMPANY_SUFFIX = re.compile(
    r"(?:[\s,]+(?:LLC|L\.L\.C|Inc|Ltd|Limited|Pty|PLC|Corp|Corporation|Co|GmbH|S\.A|AG|"
    r"Media(?:\s+(?:Group|Network|Company))?|Holdings|Group|Company|Enterprises?|Entertainment)\.?)+$",
    re.IGNORECASE,
)
PICTURED = re.compile(r"(?i)(?:photo|image|picture|illustration|credit)s?\W*$")
NOT_A_HOLDER = re.compile(r"(?i)(?:all|copyright|designed|powered|developed|website|site|theme)\b")


def _copyright_holder(lines: list[str]) -> str:
    """The name a page's last copyright line gives its holder, up to the end of its sentence and
    without a company's suffix ("© 2019 CNBC LLC. All Rights Reserved." -> "CNBC"); "" when
    none names one ("© 2019 all rights reserved", "Copyright © 2019 - Designed by ...")."""
    for line in reversed(lines[-60:]):
        found = COPYRIGHT_LINE.search(line)
        if found is None or PICTURED.search(line[: found.start()]):
            continue  # (a photo's credit names its photographer)
        name = re.split(r"\.\s|\s+All\s+Rights\b", found.group(1) + " ")[0].strip(" .,")
        name = COMPANY_SUFFIX.sub("", name).strip(" .,&")
        if 2 <= len(name) <= 40 and not NOT_A_HOLDER.match(name):
            return name
    return ""


def _title_and_source(result: Extracted, header: list[str]) -> None:
    """The headline and outlet a dump's header gives. A dump of a whole page begins with its
    <title> ("Headline - Outlet") as html-text writes it; the headline may show again below it
    as the page's h1, the visible one."""
    first = header[0] if header else ""
    candidates = [
        h for h in header if 3 <= _words(h) <= 30 and not is_boilerplate(h) and not _credit(h)
    ]
    titled = normalise(first)
    for line in candidates:  # the h1 within the first line (the <title>, or a breadcrumb's)
        key = normalise(line)
        if (
            line != first
            and _words(line) >= max(3, _words(_site_cut(first)) // 2)
            and key != titled
            and key in titled
        ):
            result.title = line
            suffix = SITE_SUFFIX.match(first)
            if suffix and normalise(suffix.group(1)).endswith(key):
                result.source = _outlet(suffix.group(2))
            return
    for candidate in (first, *candidates):
        suffix = SITE_SUFFIX.match(candidate)
        if suffix and _words(suffix.group(1)) >= 4:
            result.title, result.source = suffix.group(1).strip(), _outlet(suffix.group(2))
            return


def _outlet(name: str) -> str:
    """The outlet a title's suffix names: "www.wday.ru" is wday.ru."""
    return name.strip(" -|").removeprefix("www.")


def _site_cut(line: str) -> str:
    """LINE without an outlet's name after its headline."""
    suffix = SITE_SUFFIX.match(line)
    return suffix.group(1) if suffix else line


def _words(line: str) -> int:
    """Words in LINE, not counting marks ("News › ‹" is one word)."""
    return sum(1 for token in line.split() if WORDISH.search(token))


def _date(lines: list[str]) -> str:
    for line in lines:
        if _credit(line):
            continue  # a caption dates its photo ("In this May 18, 2017 file photo, ..."), not the story
        for pattern in DATE_PATTERNS:
            match = pattern.search(line)
            if match:
                return _iso(match)
    return ""


def _iso(match: re.Match[str]) -> str:
    from datetime import datetime

    text = match.group(1)
    if re.fullmatch(r"\d{4}-\d{2}-\d{2}", text):
        time = match.group(2) if match.lastindex and match.lastindex >= 2 else None
        return f"{text}T{time}" if time else text
    for fmt in (
        "%B %d, %Y",
        "%B %d %Y",
        "%b %d, %Y",
        "%b %d %Y",
        "%b. %d, %Y",
        "%d %B %Y",
        "%d %b %Y",
    ):
        try:
            return datetime.strptime(text.replace("Sept", "Sep"), fmt).date().isoformat()
        except ValueError:
            continue
    return ""


def _caption(result: Extracted, header: list[str]) -> None:
    for i, line in enumerate(header[-4:], len(header[-4:]) * -1):
        match = _credit(line)
        if match and len(line.split()) >= 6:
            result.image_caption = line[: match.start()].strip()
            result.image_credit = _credited(match)
            return
        if match and _credit_line(line) and i > -len(header) and len(header[i - 1].split()) >= 6:
            result.image_caption = header[i - 1]
            result.image_credit = _credited(match)
            return


def _credit(line: str) -> re.Match[str] | None:
    """The photo credit that ends LINE, when it has one: then LINE is a caption."""
    return CREDIT.search(line) or AGENCY_CREDIT.search(line)


def _credited(match: re.Match[str]) -> str:
    """Who a credit _credit() found names."""
    return next(group for group in match.groups() if group).strip(" .")


def _credit_line(line: str) -> bool:
    """LINE is a photo credit alone ("Photo: Damian Dovarganes, AP")."""
    match = _credit(line)
    return match is not None and match.start() == 0 and len(line.split()) <= 8


def _tags(lines: list[str]) -> list[str]:
    for i, line in enumerate(lines):
        if TAGS_HEAD.match(line):
            tags = []
            for following in lines[i + 1 : i + 15]:
                item = following.lstrip("-•* ").strip()
                if not following.startswith(("-", "•", "*")) or not item or len(item.split()) > 4:
                    break
                tags.append(item)
            if tags:
                return tags
    return []
