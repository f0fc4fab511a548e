"""How a story opens: its first sentence, a headline-length cut of it (a guessed title), and
the dateline before its first words ("NEW YORK (Reuters) - ")."""

from __future__ import annotations

import re

from briefings.ingest.clean import SENTENCES

# A full stop that ends no sentence: after a title or an initial ("Gov.", "Dr.", "U.S.", "J.").
_ABBREVIATION = re.compile(r"(?:\b[A-Z][a-z]{0,3}|\b(?:[A-Za-z]\.)+[A-Za-z])\.$")


def first_sentence(text: str) -> str:
    """TEXT's first sentence: up to a stop followed by a space, not one after an abbreviation
    ("South Dakota Gov. Kristi Noem ...") nor one inside a quotation ("says, 'Meth. We're on
    it,' and ...")."""
    for match in SENTENCES.finditer(text):
        head = text[: match.start()]
        quotes = head.count("“") - head.count("”") + (head.count('"') % 2)
        single = len(re.findall(r"(?:^|\s)[‘']", head)) - len(
            re.findall(r"[’'](?:\s|$|[,.])", head)
        )
        if quotes <= 0 and single <= 0 and not _ABBREVIATION.search(head):
            return head
    return text


# Words a cut headline cannot end on: it would stop mid-phrase ("... on social media on the").
DANGLING = frozenset(
    "a an the of on in to for with and or but by at from as that than this these their its his"
    " her our your my into onto over under about".split()
)


# Words that open a clause which cannot stand alone ("When Google launched its phone last year").
SUBORDINATE = re.compile(
    r"(?i)^(?:when|while|after|before|as|if|although|though|because|since|once|until|despite|"
    r"with|in|on|at|for|from|during|amid|according)\b"
)


def _whole_clause(start: str) -> bool:
    """START (of a sentence, up to a cut) is no fragment: no aside left open ("Actress Uma
    Thurman, in long-awaited remarks", "Islamic State (IS"), no leading clause alone, and no
    last word that leaves a phrase open ("China is planning a mission that")."""
    words = start.split()
    return (
        start.count(", ") % 2 == 0  # (not "£1,000")
        and start.count("(") == start.count(")")
        and not SUBORDINATE.match(start)
        and bool(words)
        and words[-1].lower() not in DANGLING
    )


def trim_title(text: str, limit: int = 120) -> str:
    """A headline-length start of a sentence, cut at a clause boundary (used for guessed titles);
    else at a word, not after one that leaves a phrase open, and marked as cut ("…"). Not at an
    "and", which joins two things far more often than two clauses ("between the iPhone X and
    the Pixel 2", "death and mayhem")."""
    if len(text) <= limit:
        return text.rstrip(".")
    cut = max(
        (
            m.start()
            for m in re.finditer(r",\s| with | as | after | while ", text[:limit])
            if _whole_clause(text[: m.start()])
        ),
        default=-1,
    )
    if cut > 40:
        return text[:cut]
    words = text[:limit].split()[:-1]  # (the last may be cut in two)
    while len(words) > 1 and words[-1].lower() in DANGLING:
        words.pop()
    return (" ".join(words).rstrip(",;:") or text[:limit]) + "…"  # (or one word of 120+)


def guessed_title(text: str) -> str:
    """The title a story that names none is given: its first sentence, cut to a headline's
    length (the caller marks it `guessed`), without the stops of a teaser cut short ("... the
    plague,...") and without a quotation mark that opens a quote it does not close ("“A cause
    for serious concern is the situation in southern Syria", of a quote that goes on). TEXT is
    its first paragraph, as plain text."""
    title = trim_title(first_sentence(text))
    # (Not the "…" of a cut of ours, which follows a word: "... on social media…".)
    title = re.sub(r"\s*[,;:]\s*(?:\.\.\.|…)?$|\.\.\.$", "", title)
    opening = title[:1]
    closing = {"“": "”", "‘": "’", '"': '"'}.get(opening)  # (not ', an apostrophe too)
    if closing and closing not in title[1:]:
        title = title[1:].lstrip()
    return title


# The place a news story was filed from, and the agency's credit, before its first words: the
# place in capitals, maybe a region and a day, maybe the agency, then a dash ("ERBIL, Kurdistan
# Region - ", "SEOUL/WASHINGTON (Reuters) - ", "OFER PRISON, West Bank, Jan 1 (Reuters) - ",
# "BEIJING -- "); or the agency alone ("(Reuters) - ", "(CNN) ").
DATELINE = re.compile(
    r"^(?:(?P<place>[A-Z][A-Z .'’/-]{2,40}(?:,\s*[A-Z][\w .'’-]{1,40}){0,2})\s*"
    r"(?P<agency>\([^)]{1,30}\))?\s*[-–—]+\s+"
    r"|(?P<alone>\([A-Z][\w.&'’-]*(?:\s+[A-Z][\w.&'’-]*){0,2}\))\s*(?:[-–—]+\s+|(?=[A-Z])))(?=\S)"
)


def dateline_of(text: str) -> tuple[str, str]:
    """The dateline that opens TEXT ("NEW YORK (Reuters)", "(CNN)"), and the rest of it; ("",
    TEXT) when it opens with none, or when little would be left (then the "dateline" is the
    whole line's start)."""
    match = DATELINE.match(text)
    if not match or len(text) <= len(match.group(0)) + 40:
        return "", text
    found = " ".join(p.strip(" -–—") for p in match.group("place", "agency", "alone") if p)
    return found, text[match.end() :]


def split_dateline(paragraphs: list[str]) -> str:
    """The dateline that opens the first of PARAGRAPHS (which this cuts from it), or ""."""
    if not paragraphs:
        return ""
    dateline, paragraphs[0] = dateline_of(paragraphs[0])
    return dateline
