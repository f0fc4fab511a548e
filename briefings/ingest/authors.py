"""An article's authors, as names only, from the bylines a page offers: "By Jane Roe and John
Doe, Staff Writers" -> ["Jane Roe", "John Doe"]. Bylines carry "By", job titles, credentials,
dates and the outlet's name; these rules are general (no site is named here) and were checked
on pages held out from the ones they were written on (see bench/extraction.py)."""

from __future__ import annotations

import re
from collections.abc import Iterable

from briefings.ingest.fields import unescaped

# "Reviewed by X" -> "X"; also glued, as a label and a name in two elements read ("Posted byX")
BY = re.compile(r"^(?:.*?\bby(?:\b|(?-i:(?=[A-Z])))[:\s]*|authors?[:\s]+)", re.IGNORECASE)
SPLIT_NAMES = re.compile(r"(\s*(?:;|\||&|•|\band\b|\bwith\b|\n)\s*|,\s*(?:and\s+)?)", re.IGNORECASE)
CREDENTIAL = re.compile(
    r"^(?:[A-Z][A-Za-z]{0,3}\.?){1,4}[®™]?(?:\s*\([^)]{1,30}\))?$"
)  # MD, PhD, RD, M.S., CEPF®
ROLES = (
    r"editors?|writers?|reporters?|correspondents?|contributors?|columnists?|experts?|"
    r"educators?|managers?|directors?|specialists?|analysts?|producers?|journalists?|"
    r"(?:co-?)?founders?|ceo|chief|officer|strategist|consultant|coordinator|intern|reviewer|"
    r"attorneys?|lawyers?"
)
ROLE = re.compile(rf"\b(?:{ROLES})\b", re.IGNORECASE)
ROLE_IN_BRACKETS = re.compile(rf"\([^)]*\b(?:{ROLES})\b[^)]*\)", re.IGNORECASE)
# Where a byline's name ends and the page's furniture begins ("Jane Roe Last updated May 3",
# "Jane Roe Monday, November 18"; not "JaneR on Friday", which says who wrote and when).
NOT_A_NAME = re.compile(
    r"\b(?:view|posts?|posted|more|about|last|updated|published|privacy|policy|undefined|author|"
    r"written|comments?|share|follow|read|minutes?|min|jan(?:uary)?|feb(?:ruary)?|march|april|"
    r"june|july|aug(?:ust)?|sept?(?:ember)?|oct(?:ober)?|nov(?:ember)?|dec(?:ember)?|mon|tue|"
    r"wed|thu|fri|sat|sun|conditions|terms|page|head|extra|cookies?|menu|login|subscribe|"
    r"admin|webmaster|name|home|www|(?<!on )(?:mon|tues|wednes|thurs|fri|satur|sun)day)\b|"
    r"[@©/\\<>{}=]|https?:|\d",
    re.IGNORECASE,
)
# A news agency credited after its reporter's name ("ERIC TUCKER Associated Press", "Jane
# Roe. Sputnik International"): the agency is no part of the name.
AGENCY_AFTER = re.compile(
    r"(?<=\w)[.,]?\s+(?:the\s+)?(?:associated press|reuters|agence france-presse|afp|bloomberg|"
    r"united press international|upi|press association|pti|ani|xinhua|kyodo|yonhap|dpa|efe|"
    r"ansa|sputnik(?: international)?)$",
    re.IGNORECASE,
)
MOST_AUTHORS = 8
# What a byline says after the name it gave: when ("BeauHD on Friday"), where ("MixmasterFred in
# Woodworking"), who paid ("Help Net Security Sponsored"). Cut once the authors are chosen:
# a handle with its "on Friday" is a byline's, and beats a full name found later on the page.
AFTER_THE_NAME = re.compile(
    r"\s+(?:on\s+(?:mon|tues|wednes|thurs|fri|satur|sun)day\b|(?-i:in\s+[A-Z])|sponsored\b).*$",
    re.IGNORECASE,
)


def clean_authors(
    candidates: Iterable[str], site: str = "", outlets: Iterable[str] = ()
) -> list[str]:
    """The names of the first candidate that holds a person's full name (a handle such as
    "kffnirmitap" only when nothing better is found), as a list: "By Jane Roe and John Doe,
    Staff Writers" -> ["Jane Roe", "John Doe"]; credentials stay with their name ("Ann Lee, MD").
    A candidate naming only the outlet (SITE or one of OUTLETS) is taken only when no later one
    names a person: a publisher often fills its own name into the author field."""
    outlets = [name for name in (site, *outlets) if name]
    found = _chosen_authors(candidates, {_bare(name) for name in outlets}, site)
    return [_outlet_cut(AFTER_THE_NAME.sub("", name) or name, outlets) for name in found]


def _outlet_cut(name: str, outlets: list[str]) -> str:
    """NAME without the outlet a byline credits after it ("Brian Truitt USA TODAY", as
    AGENCY_AFTER does for news agencies), when a full name is left."""
    for outlet in outlets:
        head, tail = name[: -len(outlet)], name[-len(outlet) :]
        if tail.casefold() == outlet.casefold() and head.endswith((" ", ",")):
            kept = head.rstrip(" ,|-–—·")
            if len(kept.split()) >= 2 and kept.split()[-1][:1].isupper():  # not "... for"
                return kept
    return name


# "By: Jane Roe" as a byline writes it; not a credit for the pictures, a review or an edit
# ("Photo by", "Reviewed by", "Fact checked by").
SHOWN_BY = re.compile(
    r"(?<!\w)(?:(\w+)\s+)?by:?\s+(?:dr\.?\s+)?(?=(?P<name>.{1,60}))", re.IGNORECASE | re.DOTALL
)
CREDITS = frozenset(
    "photo photos photograph photography image images illustration illustrations video graphic "
    "graphics art reviewed checked edited verified produced designed sponsored powered presented"
    " translated".split()
)


def shown_first(candidates: list[str], shown: str) -> list[str]:
    """CANDIDATES with those that name someone SHOWN as a byline (the text about the headline:
    "By: Jane Roe") first, in their order: the byline a reader sees beats the CMS's author
    field, often the account that posted the page ("Luke Daigle" in <meta>, "By: Paul
    Fenaroli" under the headline). A full name only: one word is too easily found."""
    bylines = [
        m["name"].casefold()
        for m in SHOWN_BY.finditer(shown)
        if (m[1] or "").casefold() not in CREDITS
    ]

    def is_shown(candidate: str) -> bool:
        return any(
            re.match(re.escape(name.casefold()) + r"(?!\w)", byline)
            for name in author_names(candidate)
            if " " in name
            for byline in bylines
        )

    return sorted(candidates, key=lambda c: not is_shown(c))


def _chosen_authors(candidates: Iterable[str], publishers: set[str], site: str) -> list[str]:
    fallback: list[str] = []
    for candidate in candidates:
        whole = " ".join(BY.sub("", str(candidate or "").strip()).split())
        if _bare(whole) in publishers:  # as written: "The Washington Post" keeps its "Post"
            fallback = fallback or [whole]
            continue
        names = author_names(candidate, site)
        if not names:  # "Our Editors", "SFist Contributor": what the page says, failing a name
            fallback = fallback or _group_byline(whole)
            continue
        if all(_bare(name) in publishers for name in names):
            fallback = fallback or names
            continue
        if any(" " in name for name in names):
            # The outlet beside real names is no author ("Troy L. Smith, Cleveland.com").
            return [n for n in names if _bare(n) not in publishers]
        fallback = fallback or names
    return fallback


def _group_byline(text: str) -> list[str]:
    """[TEXT] when it is a byline naming a role and no person ("Our Editors", "Community
    Editor"), else []."""
    words = text.split()
    if (
        2 <= len(words) <= 4
        and words[0][:1].isupper()
        and ROLE.fullmatch(words[-1].strip(".,"))
        and not NOT_A_NAME.search(text)
    ):
        return [text]
    return []


def _bare(name: str) -> str:
    return re.sub(r"\W+", "", name.casefold())


def author_names(text: str, site: str = "") -> list[str]:
    # Unescaped first: a byline's "&amp;" split as names would.
    text = unescaped(str(text or ""))
    text = ROLE_IN_BRACKETS.sub("", " ".join(text.split()))
    listed = text.split(";")  # "Roy, Aniruddha; Das, Amitava": a catalogue's names
    turned = [first_last(n) for n in listed]
    if len(listed) > 1 and all(t != n for t, n in zip(turned, listed, strict=True)):
        text = ";".join(turned)
    names: list[str] = []
    parts = SPLIT_NAMES.split(text)  # part, separator, part, ...
    titles = _job_titles(parts)
    for at in range(0, len(parts), 2):
        if at in titles:
            continue
        part = _name_in(parts[at])
        if not part:
            continue
        if names and CREDENTIAL.match(part):
            names[-1] = f"{names[-1]}, {part}"
        elif part.casefold() not in map(str.casefold, names):
            names.append(part)
    if site and len(names) > 1:  # the outlet beside real names is not an author
        names = [n for n in names if n.casefold() != site.casefold()] or names
    return names[:MOST_AUTHORS]


def _job_titles(parts: list[str]) -> set[int]:
    """Where PARTS (a byline split: part, separator, part, ...) hold a job title after a name's
    comma: from the comma to the last part naming a role before the next comma ("Jane Roe,
    Senior Digital Editor", "Nicole Forbes, Master Horticulturalist & Garden Educator", not
    John Doe in "Jane Roe, Travel Editor and John Doe"). Before the first comma a role follows
    its name in the same part ("Keith Barry Senior Autos Reporter"): _name_in reads it."""
    titles: set[int] = set()
    commas = [at for at in range(2, len(parts), 2) if "," in parts[at - 1]]
    for start, end in zip(commas, [*commas[1:], len(parts)], strict=False):
        roles = [at for at in range(start, end, 2) if ROLE.search(parts[at])]
        if roles:
            titles.update(range(start, roles[-1] + 1, 2))
    return titles


def first_last(name: str) -> str:
    """NAME, written surname first, as a byline writes it: "Kaufman, Jeff T." -> "Jeff T.
    Kaufman"; as it is when what follows its comma is no given name ("Jane Roe, MD")."""
    surname, comma, given = name.partition(",")
    words = given.split()
    if not comma or "," in given or not 1 <= len(surname.split()) <= 3 or not 1 <= len(words) <= 3:
        return name
    if any(ch.isdigit() for ch in name) or not all(_given_word(w) for w in words):
        return name
    if ROLE.search(given):  # "Jane Roe, Editor"
        return name
    return f"{' '.join(words)} {' '.join(surname.split())}"


def _given_word(word: str) -> bool:
    """An initial ("T.") or a capitalised word ("Jeff", "Jean-Luc"), not a credential ("MD",
    "PhD")."""
    if len(word) == 2 and word[0].isupper() and word[1] == ".":
        return True
    rest = word[1:].replace("-", "")
    return len(word) > 1 and word[0].isupper() and rest.isalpha() and rest == rest.lower()


def _name_in(part: str) -> str:
    """The name a byline's part starts with: "By Keith Barry Senior Autos Reporter" -> "Keith
    Barry"; "" when it holds none ("View more posts", "Luxury Travel Expert")."""
    part = BY.sub("", part.strip(" .,:-–—·")).strip()
    if len(part.split()) > 2:
        part = AGENCY_AFTER.sub("", part)
    cut = NOT_A_NAME.search(part)
    if cut:
        part = part[: cut.start()].strip(" .,:-–—·")
    tokens = part.split()
    role = next((i for i, t in enumerate(tokens) if ROLE.fullmatch(t.strip(".,"))), None)
    if role is not None and not re.search(r"\b(?:team|staff)$", part, re.IGNORECASE):
        tokens = tokens[:2] if role >= 2 else []  # "Jane Roe Senior Editor" -> "Jane Roe"
    part = " ".join(tokens)
    # A name's words are capitalised but for particles ("van", "de", "bin"): "blockchain
    # analysis" and "Here we discuss compliance" are an author box's bio cut at its commas.
    if len(tokens) > 1 and any(t.isalpha() and t.islower() and len(t) > 3 for t in tokens):
        return ""
    if not 2 <= len(part) <= 50 or len(tokens) > 5 or not any(ch.isalpha() for ch in part):
        return ""
    return _cased(part) if len(tokens) > 1 and part.isupper() else part


def _cased(name: str) -> str:
    """A name a byline writes in capitals, as a name is written: "LISA MASCARO" -> "Lisa
    Mascaro", "SEAN O'BRIEN" -> "Sean O'Brien"."""
    return re.sub(r"[^\W\d_]+", lambda m: m[0][0] + m[0][1:].lower(), name)
