"""Our cleaner for whole-page text dumps: finds the article among menus, link lists, comment
policies and footers, and recovers what the page says about it. It never invents: every sentence
it returns is in the input; a field it infers rather than reads is listed in `guessed`."""

from __future__ import annotations

import re
from dataclasses import dataclass

from briefings.ingest.authors import author_names
from briefings.ingest.clean import IDEOGRAPH, is_boilerplate, normalise, polish, without_bio
from briefings.ingest.header import (
    MENU_MARKS,
    SITE_SUFFIX,
    STAMPED,
    caption,
    copyright_holder,
    credit,
    credit_line,
    read_date,
    tags,
    title_and_source,
    words,
)
from briefings.ingest.model import Extracted
from briefings.ingest.opening import guessed_title, split_dateline

STOP = frozenset(
    "a an and are as at be been but by for from had has have he her his i in into is it its of on or "
    "our she that the their them they this to was we were which who will with would you said not after "
    "also more than about over says could there when what".split()
)
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
BYLINE = re.compile(
    r"^By\s+([A-Z][\w.'’-]+(?:\s+[A-Z][\w.'’-]+){0,3}(?:\s*(?:,|and)\s*[A-Z][\w.'’-]+(?:\s+[A-Z][\w.'’-]+){0,3})*)\s*$"
)
PICTURE_SOURCE = re.compile(
    r"(?i)\bgetty images\b|\bimage (?:copyright|caption)\b|/(?:AP|AFP|Reuters)\b"
)
MODERATES = re.compile(r"^([A-Z][\w&.' -]{1,30}?) moderates all comments")


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
    body = without_bio(polish(lines[start:end]))
    header = lines[:start]
    while body and credit(body[0]) and len(body) > 1:
        header.append(body.pop(0))  # a photo caption above the story, not its first paragraph
    if len(body) > 2 and credit_line(body[1]):  # ...or a caption, then its credit on a line
        header += [body.pop(0), body.pop(0)]
    above, body = _header_in_body(body)
    header += above
    _metadata(result, header, lines, body)
    if "title" in result.guessed and start <= 3 and _opens_as_headline(header[0] if header else ""):
        # A dump of the story alone, not of a page around it: its first line is the headline.
        result.title = header[0]
        result.guessed.remove("title")
    result.paragraphs = body
    return result


LEAD_BYLINE = 4  # lines at the story's top where its byline may stand, under a standfirst


def _header_in_body(body: list[str]) -> tuple[list[str], list[str]]:
    """BODY's first lines when they are the page's header come through (a standfirst, then a
    byline, "By Jane Roe" or "By" and the name on lines of their own, and the date line under
    it), as the header reads them; and the story after them. A story opens after its byline:
    what stands above it is the page's furniture (on aeb-dev: "NFL assaults have led to
    lawsuits before..." / "By" / "Randy Maniloff" / "Nov. 18, 2019 7:04 pm ET")."""
    for i, line in enumerate(body[:LEAD_BYLINE]):
        if BYLINE.match(line):
            byline, end = line, i + 1
        elif line == "By" and i + 1 < len(body) and BYLINE.match(f"By {body[i + 1]}"):
            byline, end = f"By {body[i + 1]}", i + 2
        else:
            continue
        dated = []
        if end < len(body) and len(body[end].split()) <= 8 and read_date([body[end]]):
            dated = [f"Published {body[end]}"]  # as the header reads a stamped line: first
            end += 1
        if end >= len(body):
            break  # nothing after it: no story to open
        return [*body[:i], byline, *dated], body[end:]
    return [], body


def _opens_as_headline(line: str) -> bool:
    """LINE reads as a headline: a few words in Title Case or few function words, and no
    sentence, menu, date or picture credit (a standfirst runs longer; a caption names its
    picture's source)."""
    measured = measure(line)
    long = [word for word in WORD.findall(line) if len(word) >= 4]
    title_case = bool(long) and sum(word[0].isupper() for word in long) >= 0.7 * len(long)
    return (
        _headline_like(measured)
        and 4 <= words(line) <= 14
        and (title_case or measured.stop_ratio <= 0.3)
        and not is_boilerplate(line)
        and not credit(line)
        and not PICTURE_SOURCE.search(line)
        and not read_date([line])
        and len(MENU_MARKS.findall(line)) < 2  # "Home | News | Sport | Weather": a menu
    )


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
    # Captions between paragraphs (a picture's line of 6+ words, no full stop) count half.
    size = sum(0.5 if 6 <= g.words <= 30 and not g.sentence and not g.good else 1 for g in gap)
    if size > max_gap or any(_ends(g) for g in gap):
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
    title_and_source(result, header)
    # A line that dates the story ("By Jane Roe Updated Nov 13, 2019", "Updated: 2017-09-15
    # 17:52") is above it, or just below its start, alone or first ("19 Nov 2019 05:44 GMT",
    # "October 12, 2018 / 0 Comments") or saying so (published, updated, posted, by). A date a
    # sentence names (in the story, a cookie banner) is the day of what it tells, and one
    # below a quotation its day ("- Jane Roe on Sunday, October 13th, 2019 in a newspaper").
    near = [
        line
        for line in lines[len(header) : len(header) + 3]
        if STAMPED.match(line) or len(line.split()) <= 8 or read_date([line[:30]])
    ]
    dated = [line for line in [*header, *near] if STAMPED.match(line) or not measure(line).good]
    result.date = read_date(sorted(dated, key=lambda line: not STAMPED.match(line)))
    for line in header[-5:]:  # (a caption and its credit may follow the byline)
        match = BYLINE.match(line)
        if match:
            result.authors = author_names(match.group(1))  # as an HTML page's are cleaned
    caption(result, header)
    result.dateline = split_dateline(body)
    result.tags = tags(lines)
    if not result.source:
        for line in lines:
            match = MODERATES.match(line)
            if match:
                result.source = match.group(1).strip()
                break
    if not result.source and (holder := copyright_holder(lines)):
        # Often the company, not the outlet ("NYP Holdings"): a guess the editor confirms.
        result.source = holder
        result.guessed.append("source")
        result.source_doubt = "read from the page's copyright line"
    if not result.title and body:
        # The page names no headline: use its first sentence, and say it was guessed.
        result.title = guessed_title(body[0])
        result.guessed.append("title")
