"""A page's publication date: where its markup states one, or the day of the date line it shows
its reader under the headline when that is another; else searched for in its text (marked as
guessed); and whether it is only the day the page was last updated."""

from __future__ import annotations

import re
from datetime import date as Day
from datetime import datetime

import htmldate.extractors
from htmldate import find_date
from trafilatura.settings import set_date_params

from briefings.ingest.page import PageFacts


def page_date(html: str, url: str, found: str, facts: PageFacts, guessed: list[str]) -> str:
    """The date trafilatura FOUND where pages state one (metadata, time elements, the URL), or
    where it finds none, JSON-LD's or the meta tags' (which may be a raw string); but the day
    the page shows under its headline (see shown_date) when it shows another (a day apart is
    the same moment in another time zone: the markup's stands). Where the markup
    states no date: the day shown, else one found by searching the page's text, either marked
    as guessed (a copyright year, a date in the story: right about half the time on wcxb-dev;
    a listing or a forum shows dates under its heading too)."""
    found = found.strip()
    stated = found or (facts.ld_published or facts.meta.get("article:published_time", "")).strip()
    shown = _as_written_elsewhere(shown_date(facts.by_headline), facts.by_headline, html)
    if stated and shown:
        kept = found or stated  # with its time, if any
        return kept if kept[:10] == shown or _a_day_apart(kept[:10], shown) else shown
    if found:
        return read_either_way(found, html, url)
    searched = _searched_date(html, url)
    if (shown or searched) and not stated:
        guessed.append("date")
    return shown or (read_either_way(searched, html, url) if searched else stated)


def _as_written_elsewhere(shown: str, by_headline: str, html: str) -> str:
    """SHOWN (the month-first reading of a date line in digits that reads both ways,
    "03/10/2023") as the day first when the page writes that reading out in words ("3 October
    2023") and the month-first one nowhere: the site writes the day first."""
    match = _shown(by_headline)
    if not shown or match is None or not match["m4"]:
        return shown
    if max(int(match["m4"]), int(match["d4"])) > 12 or match["m4"] == match["d4"]:
        return shown  # one reading only
    day = Day.fromisoformat(shown)
    other = day.replace(month=day.day, day=day.month)
    before = _before_year(html, day.year)
    return other.isoformat() if _in_words(before, other) and not _in_words(before, day) else shown


def _a_day_apart(one: str, other: str) -> bool:
    """Whether two ISO days are one day apart: the same moment in two time zones (the day the
    markup records on the server's clock, the day the page shows on the site's), not another
    date. On wcxb-dev the markup's day is the truth's for 5 such pages of 7."""
    try:
        return abs((Day.fromisoformat(one) - Day.fromisoformat(other)).days) == 1
    except ValueError:
        return False


def only_updated(date: str, facts: PageFacts) -> bool:
    """DATE is the day the page says it was last updated, and it says nowhere when it was
    published: on wcxb-dev, 16 of 21 such dates were not the publication date (a guide first
    published years before). The editor confirms it before it files the article as news."""
    if not date or facts.ld_published or facts.meta.get("article:published_time"):
        return False
    updated = (
        facts.ld_modified,
        facts.meta.get("article:modified_time", ""),
        facts.meta.get("og:updated_time", ""),
    )
    return any(u.strip()[:10] == date.strip()[:10] for u in updated if u.strip())


# A date written out: "March 9, 2026", "Mar. 9th 2026", "9 March 2026", "9th of Mar 2026",
# "2026-03-09", or in digits, day and month in either order ("2/24/2026", "19/12/2025",
# "09.10.2024"): where both read as a month, the month first, as American pages write it (on
# wcxb-dev, 4 of the 5 such date lines whose page's truth is either reading).
_MONTH = r"jan|feb|mar|apr|may|jun|jul|aug|sep|oct|nov|dec"
_NTH = r"(?:st|nd|rd|th)?"
WRITTEN_DATE = re.compile(
    rf"\b(?P<m1>{_MONTH})[a-z]*\.?\s+(?P<d1>\d{{1,2}}){_NTH},?\s+(?P<y1>\d{{4}})\b"
    rf"|\b(?P<d2>\d{{1,2}}){_NTH}\s+(?:of\s+)?(?P<m2>{_MONTH})[a-z]*\.?,?\s+(?P<y2>\d{{4}})\b"
    r"|\b(?P<y3>\d{4})-(?P<m3>\d{2})-(?P<d3>\d{2})\b"
    r"|(?<![\d/.])(?P<m4>\d{1,2})(?P<sep>[/.])(?P<d4>\d{1,2})(?P=sep)(?P<y4>\d{4})(?![\d/.]\d)",
    re.IGNORECASE,
)
UPDATE_LABEL = re.compile(r"updat|modif|revis|refresh", re.IGNORECASE)
LABEL_CHARS = 30  # how far before a date its label is looked for ("Last updated on ")
YEARS = range(1990, 2100)


def shown_date(by_headline: str) -> str:
    """The first date written out in the text about a page's headline (its date line: "Jane Roe
    · March 9, 2026"), as an ISO date; "" when there is none, or when the first is labelled as
    an update ("Last updated: ..."). On wcxb-dev the day a page shows its reader is the one
    its truth records more often than its markup's (a CMS's template dates, a republished
    guide's first date); a page's own update line may or may not be: not taken."""
    match = _shown(by_headline)
    day = _day_of(match) if match is not None else None
    return day.isoformat() if day is not None else ""


def _shown(by_headline: str) -> re.Match[str] | None:
    """The date line's date in BY_HEADLINE (see shown_date)."""
    for match in WRITTEN_DATE.finditer(by_headline):
        if UPDATE_LABEL.search(by_headline[max(0, match.start() - LABEL_CHARS) : match.start()]):
            return None
        day = _day_of(match)
        if day is not None and day.year in YEARS:
            return match
    return None


def _day_of(match: re.Match[str]) -> Day | None:
    year, month, day = (
        match["y1"] or match["y2"] or match["y3"] or match["y4"],
        match["m1"] or match["m2"] or match["m3"] or match["m4"],
        match["d1"] or match["d2"] or match["d3"] or match["d4"],
    )
    if match["m4"] and int(month) > 12:  # "19/12/2025": the day first
        month, day = day, month
    number = int(month) if month.isdigit() else MONTH_ABBREVIATIONS.index(month[:3].lower()) + 1
    try:
        return Day(int(year), number, int(day))
    except ValueError:
        return None


def _searched_date(html: str, url: str) -> str:
    """A date found by htmldate's search of the page's text, without its last resort: handing
    each string its own patterns cannot read to dateparser, which builds the calendar words of
    every language it tries first: seconds in each process (a one-page ingest took 1.2 s more
    when its page had no stated date), 3% of the CPU of ingesting wcxb-dev's 1,033 pages in
    one process, for one changed date of 793 (a guess, on a draft). Dates in English and in
    numbers are read all the same."""
    parser = getattr(htmldate.extractors, "_external_date", None)  # None: another htmldate
    if parser is not None:
        htmldate.extractors._external_date = _no_date
    try:
        return find_date(html, url=url or None, **set_date_params(extensive=True)) or ""
    finally:
        if parser is not None:
            htmldate.extractors._external_date = parser
            # htmldate caches what each string gave: another caller in this process
            # (trafilatura with its defaults) must not be handed what was found without it.
            htmldate.extractors.try_date_expr.cache_clear()


def _no_date(string: str) -> datetime | None:
    return None


def read_either_way(found: str, html: str, url: str = "") -> str:
    """FOUND (an ISO date) with its day and month swapped when the page gives it only in digits
    that read both ways ("03-09-2026": 3 September, or March 9) and writes the other reading
    out in words ("Published March 9, 2026") where it writes FOUND's nowhere. Sites put either
    first in their meta tags, and the readers of dates take the day first."""
    try:
        day = datetime.fromisoformat(found[:10]).date()
    except ValueError:
        return found
    if day.day > 12 or day.day == day.month:
        return found  # one reading only
    other = day.replace(month=day.day, day=day.month)
    for written in (
        f"{day.year}-{day.month:02}-{day.day:02}",
        f"{day.year}/{day.month:02}/{day.day:02}",
    ):
        if written in html or written in url:
            return found
    before = _before_year(html, day.year)
    if (
        not any(_in_digits(text, day) for text in before)
        or _in_words(before, day)
        or not _in_words(before, other)
    ):
        return found
    return other.isoformat() + found[10:]


# In English, whatever the locale (calendar.month_name follows it).
MONTHS = (
    "January February March April May June July August September October November December"
).split()
MONTH_ABBREVIATIONS = [m[:3].lower() for m in MONTHS]
YEARS_LOOKED_AT = 2_000  # a page may print the year everywhere: enough to find a dateline
_DIGITS_BEFORE = re.compile(r"(?<!\d)(\d{1,2})[-/.](\d{1,2})[-/.]$")


def _before_year(html: str, year: int) -> list[str]:
    """What HTML writes just before each place it writes YEAR (not inside a longer number)."""
    found: list[str] = []
    written = str(year)
    at = html.find(written)
    while at >= 0 and len(found) < YEARS_LOOKED_AT:
        if not html[at - 1 : at].isdigit() and not html[at + 4 : at + 5].isdigit():
            found.append(html[max(0, at - 40) : at])
        at = html.find(written, at + 4)
    return found


def _in_digits(text: str, day: Day) -> bool:
    """TEXT ends with DAY's day and month in digits, either first ("03-09-", "9/3/")."""
    match = _DIGITS_BEFORE.search(text)
    return match is not None and {int(match[1]), int(match[2])} == {day.day, day.month}


def _in_words(texts: list[str], day: Day) -> bool:
    """One of TEXTS ends with DAY's day and month's name: "March 9, ", "9th Mar. "."""
    month = MONTHS[day.month - 1]
    name = rf"(?:{month}|{month[:3]}\.?)"
    nth = rf"0?{day.day}(?:st|nd|rd|th)?"
    pattern = re.compile(rf"\b(?:{name}\s+{nth},?|{nth}\s+(?:of\s+)?{name},?)\s+$", re.I)
    return any(pattern.search(text) for text in texts)
