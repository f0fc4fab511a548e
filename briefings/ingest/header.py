"""What the lines around a text dump's story say of it: its headline and outlet (the page's
<title>, the h1), the day it was published, the picture above it and its credit, its tags, and
the copyright holder its footer names. (text.py finds the story; this reads the rest.)"""

from __future__ import annotations

import re
from datetime import datetime

from briefings.ingest.clean import UNCASED, UNSPACED, is_boilerplate, normalise
from briefings.ingest.model import Extracted

DATE_PATTERNS = [
    re.compile(r"\b(\d{4}-\d{2}-\d{2})(?:[ T](\d{2}:\d{2}(?::\d{2})?))?"),
    re.compile(
        r"\b((?:Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sep|Sept|Oct|Nov|Dec)[a-z]*\.? \d{1,2}"
        r"(?:st|nd|rd|th)?,? \d{4})\b"
    ),
    re.compile(
        r"\b(\d{1,2}(?:st|nd|rd|th)? (?:Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sep|Sept|Oct|Nov|Dec)[a-z]* \d{4})\b"
    ),
]
# A line that opens by saying it dates the story ("By Ann Lee on Monday, ...", "Xinhua |
# Updated: 2017-09-15"), not a sentence that says a policy was updated.
STAMPED = re.compile(r"(?i)^(?:[\w ]{1,30}\|\s*)?(?:published|updated|posted|by)\b")
ORDINAL = re.compile(r"(?<=\d)(?:st|nd|rd|th)\b")  # "November 20th, 2019"
CREDIT = re.compile(
    r"\s*[(\[]?\b(?:(?:Photo|Photograph|Picture|Image|Illustration)s?(?:\s+credits?)?|Credits?)"
    r"\s*(?:by|via|:)\s*(?:via\s+)?([^)\]]{2,60})[)\]]?\s*$",
    re.IGNORECASE,
)  # "Photo: Jane Roe", "(Image credit: Eurogamer)", "Illustration by Jane Roe", "Image via Getty"
# A caption's credit as wire photos end it: the photographer and the agency ("(AP Photo/Richard
# Drew, File)", "(Alastair Grant/Associated Press)"), or a copyright after it ("... on July 15,
# 2016 ©Boris Horvat (AFP)"; one alone on a line may be any picture's, or the page's).
AGENCY_CREDIT = re.compile(
    r"\s*(?:\(((?:AP Photo|[A-Z][^()/]{1,40})/[A-Z][^()]{1,50})\)"
    r"|(?<=[\w.)])\s*©\s*([A-Z][^©()\d]{2,50}(?:\s*\([A-Z]{2,10}\))?))\s*$"
)
SITE_SUFFIX = re.compile(
    rf"^(.{{15,}}?|(?=.*[{UNCASED}]).{{6,}}?)(?:\s+[-–—]\s*|\s*\|\s*)"
    rf"((?:[A-Z]|(?=[{UNCASED}]))[\w&.' -]{{1,30}}(?<!\.)|[a-z0-9-]+(?:\.[a-z0-9-]+)+)\s*$"
)  # "Headline - Outlet", "Headline | The Anti-June Cleaver", "Headline - oregonlive.com" (not a
# sentence's end: '... as he shouted "Allahu Akbar" - God is greatest.'); in a script with no
# capitals, a headline of a few characters and an outlet's name that begins with any letter.
MENU_MARKS = re.compile(r"\s[|•›»·/]\s")  # between a menu's or a breadcrumb's items
WORDISH = re.compile(r"\w")
TAGS_HEAD = re.compile(r"^[-•*]?\s*(?:in|tags|topics|filed under|more on)\s*:\s*$", re.IGNORECASE)


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


def copyright_holder(lines: list[str]) -> str:
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


def title_and_source(result: Extracted, header: list[str]) -> None:
    """The headline and outlet a dump's header gives. A dump of a whole page begins with its
    <title> ("Headline - Outlet") as html-text writes it; the headline may show again below it
    as the page's h1, the visible one."""
    first = header[0] if header else ""
    candidates = [
        h for h in header if 3 <= words(h) <= 30 and not is_boilerplate(h) and not credit(h)
    ]
    titled = normalise(first)
    within = [  # the h1 within the first line (the <title>, or a breadcrumb's)...
        line
        for line in candidates
        if line != first
        and words(line) >= max(3, words(site_cut(first)) // 2)
        and normalise(line) != titled
        and normalise(line) in titled
        and not line.endswith(("…", "..."))  # (a headline cut short in a list of links)
    ]
    # ...as the page shows it alone, not after its section's name ("Opinion | Headline")
    within.sort(key=lambda line: len(MENU_MARKS.findall(f" {line} ")) > 0)
    if within:
        result.title = within[0]
        suffix = SITE_SUFFIX.match(first)
        if suffix and normalise(suffix.group(1)).endswith(normalise(within[0])):
            result.source = _outlet(suffix.group(2))
        return
    for candidate in (first, *candidates):
        suffix = SITE_SUFFIX.match(candidate)
        # (not a menu's items: "Home | News | Sport | Weather | Travel" names no outlet)
        if suffix and words(suffix.group(1)) >= 4 and len(MENU_MARKS.findall(suffix.group(1))) < 2:
            result.title, result.source = suffix.group(1).strip(), _outlet(suffix.group(2))
            return
    if (
        first in candidates
        and words(first) >= 5
        and any(normalise(line) == titled for line in header[1:])
    ):
        # A <title> with no outlet after it, shown again below as the page's h1: the headline.
        # (Of a few words, it may be the site's name, shown again as its logo: no headline.)
        result.title = first


def _outlet(name: str) -> str:
    """The outlet a title's suffix names: "www.wday.ru" is wday.ru."""
    return name.strip(" -|").removeprefix("www.")


def site_cut(line: str) -> str:
    """LINE without an outlet's name after its headline."""
    suffix = SITE_SUFFIX.match(line)
    return suffix.group(1) if suffix else line


def words(line: str) -> int:
    """Words in LINE, not counting marks ("News › ‹" is one word); a word of a script that
    writes no spaces (Chinese, Japanese, Thai, ...) taken as two characters."""
    return max(
        sum(1 for token in line.split() if WORDISH.search(token)), len(UNSPACED.findall(line)) // 2
    )


def read_date(lines: list[str]) -> str:
    """The first date LINES state, as ISO 8601 ("" when none does)."""
    for line in lines:
        if credit(line):
            continue  # a caption dates its photo ("In this May 18, 2017 file photo, ..."), not the story
        for pattern in DATE_PATTERNS:
            match = pattern.search(line)
            if match:
                return _iso(match)
    return ""


def _iso(match: re.Match[str]) -> str:
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
            day = ORDINAL.sub("", text).replace("Sept", "Sep")
            return datetime.strptime(day, fmt).date().isoformat()
        except ValueError:
            continue
    return ""


def caption(result: Extracted, header: list[str]) -> None:
    """The picture's caption and credit the last lines of HEADER give, set on RESULT."""
    for i, line in enumerate(header[-4:], len(header[-4:]) * -1):
        match = credit(line)
        if match and len(line.split()) >= 6:
            result.image_caption = line[: match.start()].strip()
            result.image_credit = credited(match)
            return
        if match and credit_line(line) and i > -len(header) and len(header[i - 1].split()) >= 6:
            result.image_caption = header[i - 1]
            result.image_credit = credited(match)
            return


def credit(line: str) -> re.Match[str] | None:
    """The photo credit that ends LINE, when it has one: then LINE is a caption."""
    return CREDIT.search(line) or AGENCY_CREDIT.search(line)


def credited(match: re.Match[str]) -> str:
    """Who the credit credit() found names."""
    return next(group for group in match.groups() if group).strip(" .")


def credit_line(line: str) -> bool:
    """LINE is a photo credit alone ("Photo: Damian Dovarganes, AP")."""
    match = credit(line)
    return match is not None and match.start() == 0 and len(line.split()) <= 8


def tags(lines: list[str]) -> list[str]:
    """The items of the page's list of tags ("Tags:", then "- Energy", "- Oil")."""
    for i, line in enumerate(lines):
        if TAGS_HEAD.match(line):
            found = []
            for following in lines[i + 1 : i + 15]:
                item = following.lstrip("-•* ").strip()
                if not following.startswith(("-", "•", "*")) or not item or len(item.split()) > 4:
                    break
                found.append(item)
            if found:
                return found
    return []
