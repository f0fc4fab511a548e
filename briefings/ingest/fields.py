"""An article's headline and outlet, chosen among what a page offers and cleaned (its
authors: authors.py).

Pages disagree with themselves: the <title> carries the site's name ("Headline | Outlet"),
og:title is often an SEO rewrite, the h1 is what a reader sees. These rules are general (no site is named here) and were checked on pages
held out from the ones they were written on (see bench/extraction.py)."""

from __future__ import annotations

import html
import re
from collections.abc import Iterable, Mapping
from urllib.parse import urlsplit

WORD = re.compile(r"\w+")
# Separators between a headline and the site's name in a <title>.
TITLE_PARTS = re.compile(r"\s+(?:[|–—•·»~]|-{1,2}|::)\s+|\s*\|\s*")
SITE_WORDS = frozenset("the com www blog news magazine online official site co uk org net".split())
# Words too common to say two titles agree.
COMMON = frozenset(
    "a an and are as at be by for from in is it its of on or the this to with".split()
)


def words(text: str) -> set[str]:
    return set(WORD.findall(text.casefold()))


def choose_title(
    h1s: Iterable[str],
    references: Iterable[str],
    site: str,
    host: str,
    banners: Iterable[str] = (),
    guessed: str = "",
) -> tuple[str, bool]:
    """The headline, and whether it was read from a visible h1 (rather than trimmed from a
    <title>-like field). REFERENCES: what the page states (og:title, <title>, JSON-LD
    headline), best first; GUESSED: a title found otherwise (trafilatura's), the last resort.
    BANNERS: h1s that show the site's name (see site_banner), said as the site is."""
    # Pages that escape twice show "&#x26;" for "&" even in their h1: no headline means that.
    h1s = [unescaped(h) for h in h1s]
    stated = [unescaped(r) for r in references if r.strip()]
    reference = next(iter(stated), unescaped(guessed).strip())
    named = host_words(host).union(*map(words, banners))
    site_words = named | words(site)
    # Words of the site's name say nothing of which h1 is the headline ("Return to Nationwide
    # Website" beside "Headline – Nationwide Marketing Group"); a long "site name" is a
    # headline a CMS put there.
    said_by_site = named | (words(site) if len(site.split()) <= 4 else set())
    candidates = [
        h for h in h1s if 2 <= len(h.split()) <= 40 and not (words(h) <= site_words | SITE_WORDS)
    ]
    if candidates and not reference:
        return _without_site_after(candidates[0], site_words), True
    # The h1 that shares most with the best field that shares anything with one: og:title may
    # be a teaser ("Blog post >> Visit our blog") where <title> is the headline.
    for field in stated or [reference]:
        said = words(field) - said_by_site - COMMON
        overlap = [len(words(h) & said) for h in candidates]
        if overlap and max(overlap) > 0:
            best = _without_site_after(candidates[overlap.index(max(overlap))], site_words)
            return _spelled_as_stated(best, [strip_site(s, site_words) for s in stated]), True
    return strip_site(reference, site_words), False


# What a headline carries that is no part of it, once the outlet is known: a "Title:" label
# before it (arXiv's h1), and after its last separator the outlet's name ("Top 5 HR Management
# Software in 2026 - DianaHR": the outlet's name, read after the title was chosen) or its
# section's ("How meditation rewires brains | Opinion").
TITLE_LABEL = re.compile(r"^title:\s*", re.IGNORECASE)
SECTION_LABELS = frozenset("opinion opinions editorial commentary column news blog".split())


def tidy_headline(title: str, outlet: str) -> str:
    title = TITLE_LABEL.sub("", title) or title
    # "... with these 10 travel hacks ." (a theme's space before its full stop)
    title = LOOSE_STOP.sub(".", title)
    return _without_site_after(title, words(outlet) | SECTION_LABELS)


LOOSE_STOP = re.compile(r"(?<=\w)\s+\.$")


def _spelled_as_stated(h1: str, stated: list[str]) -> str:
    """H1, or the headline a field states when the two differ only where the h1 shows "?" for
    characters a wrong charset lost ("Beginner? Guide" beside "Beginner's Guide")."""
    if "?" not in h1.rstrip("?"):
        return h1
    lost = re.compile(".{1,3}".join(map(re.escape, h1.split("?"))))
    return next((s for s in stated if s != h1 and lost.fullmatch(s)), h1)


def _without_site_after(headline: str, site_words: set[str]) -> str:
    """HEADLINE without the site's name after its last separator, as some CMSs print it in
    the h1 too ("Best UK Art Exhibitions 2025 – Artlyst"). Only a part that is nothing but the
    site's name goes, so "Review – Sony's new camera" keeps its second half."""
    cuts = list(TITLE_PARTS.finditer(headline))
    if not cuts:
        return headline
    head, tail = headline[: cuts[-1].start()], headline[cuts[-1].end() :]
    found = words(tail)
    is_site = bool(found & site_words) and found <= site_words | SITE_WORDS
    return head.strip() if is_site and len(head.split()) >= 2 else headline


def site_banner(h1: str, reference: str) -> bool:
    """Whether H1 is the site's name shown as a banner (a logo in an h1, as many blogs and
    forums have): the part of the <title>-like REFERENCE after a longer headline ("A brief
    intro to git • Cory Dransfeldt" with h1 "Cory Dransfeldt"). After a shorter first part,
    the h1 is the headline ("Tastify | Top 7 Corporate Catering Trends")."""
    parts = [p.strip() for p in TITLE_PARTS.split(" ".join(reference.split())) if p.strip()]
    return (
        len(parts) >= 2
        and bool(words(h1))
        and words(h1) == words(parts[-1])
        and len(parts[0].split()) > len(h1.split())
    )


def stated_banner(h1: str, site_names: Iterable[str], headlines: Iterable[str]) -> bool:
    """Whether H1 is the name the page's metadata gives its site (SITE_NAMES: og:site_name,
    JSON-LD publisher) and none of the headlines it gives (HEADLINES): a publication's name in
    an h1 above the story (Substack's, with an empty <title>), not its headline."""
    key = words_key(h1)
    return (
        bool(key)
        and key in {words_key(name) for name in site_names}
        and key not in {words_key(headline) for headline in headlines}
    )


def unescaped(text: str) -> str:
    return html.unescape(text) if "&" in text else text


def strip_site(title: str, site_words: set[str]) -> str:
    """TITLE without the site's name before or after it ("Headline - The Times of India")."""
    parts = [p.strip() for p in TITLE_PARTS.split(title) if p.strip()]
    if len(parts) < 2:
        return _without_domain(title.strip(), site_words)

    def is_site(part: str, most_words: int) -> bool:
        found = words(part)
        return found <= site_words | SITE_WORDS or (
            len(part.split()) <= most_words and bool(found & site_words)
        )

    while len(parts) > 1 and is_site(parts[-1], 4):
        parts.pop()
    while len(parts) > 1 and is_site(parts[0], 3):
        parts.pop(0)
    return " - ".join(parts)


DOMAIN = re.compile(r"(?:www\.)?([\w-]+)(?:\.[\w-]+)+", re.IGNORECASE)


def _without_domain(title: str, site_words: set[str]) -> str:
    """TITLE without the site's domain written before or after it with no separator
    ("davidbau.com Vibe Coding"), when at least two words are left."""
    tokens = title.split()
    for end in (0, -1):
        found = DOMAIN.fullmatch(tokens[end]) if len(tokens) > 2 else None
        if found and found.group(1).casefold() in site_words:
            del tokens[end]
            return " ".join(tokens)
    return title


def host_of(url: str) -> str:
    try:
        host = urlsplit(url).hostname or ""
    except ValueError:
        return ""
    return host.removeprefix("www.")


def host_words(host: str) -> set[str]:
    """'www.times-of-india.co.uk' -> {'times', 'of', 'india', 'timesofindia'}"""
    labels = [label for label in host.split(".") if label not in SITE_WORDS and len(label) > 2]
    found = set()
    for label in labels[:-1] if len(labels) > 1 else labels:
        parts = label.split("-")
        found |= {p for p in parts if len(p) > 1} | {"".join(parts)}
    return found


def outlet(
    candidates: Iterable[str],
    url: str,
    names: Mapping[str, str],
    headlines: Iterable[str] = (),
    stated: Iterable[str] = (),
) -> tuple[str, bool]:
    """The outlet's name and whether it was guessed from the URL's domain. NAMES ([sources] in
    briefings.toml) maps domains and spellings to the name the editor uses. A candidate that is
    the page's headline (HEADLINES), an id or a sentence is passed over; a tagline after the
    name is cut ("Learning Loom - Tales of Technology" -> "Learning Loom"). STATED: the names
    the page's markup gives itself (og:site_name, JSON-LD publisher), of CANDIDATES."""
    host = host_of(url)
    for domain in _parents(host):
        if domain in names:
            return names[domain], False
    folded = {k.casefold(): v for k, v in names.items()}
    headlines = [h for h in headlines if h]
    candidates = [c for c in candidates if c]
    titles = {words_key(h) for h in headlines}
    domains = {domain for domain in (host, *_parents(host)) if domain}
    names_found = []
    for candidate in candidates:
        name = _site_name(candidate)
        if SLUG.fullmatch(name):  # a CMS's id for the site ("cultivating-health")...
            name = _spelled_out(name, headlines)  # ...as the page's title writes it, if it does
        # A bare domain, even dressed as a name ("Trezy_Io": trafilatura makes one when the page
        # names no site), is no name: the title may spell it out, else it is the guess it is.
        if name and words_key(name) not in titles and _as_domain(name) not in domains:
            names_found.append(name)
    if names_found:
        titled = _title_sites(headlines, domains, candidates)
        name = _best_named(names_found, host, titled)
        name = _as_titled(name, headlines, domains) or name
        return folded.get(name.casefold(), name), False
    named = _spelled_out_domain(headlines, host) or _written_after(headlines, host)
    if named:
        return folded.get(named.casefold(), named), False
    # An outlet that calls itself by its address in its markup (STATED: "arXiv.org",
    # "UpgradedPoints.com", "business.com" as og:site_name): read from the page, as it writes
    # it, not guessed. (Not a name trafilatura made of the domain: only what the page states.)
    written = (_site_name(c) for c in stated if c)
    address = next((n for n in written if "." in n and _as_domain(n) in domains), "")
    if address:
        return folded.get(address.casefold(), address), False
    return (host, True) if host else ("", False)


SLUG = re.compile(r"[a-z0-9]+(?:-[a-z0-9]+)+")


def _best_named(names: list[str], host: str, titled: Iterable[str] = ()) -> str:
    """The first of NAMES (what the page states, best first) unless a later one names the
    outlet better: one that spells out a name written as the domain ("The Detroit News" for
    "detroitnews", "USA TODAY" for "usatoday"), or, when the first shares nothing with the
    domain (a section: "U.S." on reuters.com), one that does ("Reuters"), or else a site name
    in the page's title (TITLED) that does ("Health" on nationalgeographic.com, titled "... |
    National Geographic")."""
    first = names[0]
    labels = _domain_labels(host)
    if not labels:
        return first
    if _as_label(first, labels):
        spelled = (n for n in names[1:] if _spells_out(n, first))
        return next(spelled, first)
    if not _shares_host(first, labels):
        return next((n for n in (*names[1:], *titled) if _shares_host(n, labels)), first)
    return first


def _title_sites(headlines: Iterable[str], domains: set[str], stated: list[str]) -> list[str]:
    """The site names HEADLINES (the page's titles) end with (see title_site), not a domain nor
    a part of a name the page STATED ("Cyber Security" of "Gabriel Gonzalez - Cyber Security":
    that name, cut, is the better)."""
    return [
        name
        for headline in headlines
        if (name := title_site(headline))
        and _as_domain(name) not in domains
        and not any(name.casefold() in s.casefold() for s in stated)
    ]


def title_site(title: str) -> str:
    """The site name TITLE ends with: "National Geographic" of "What fasting does | National
    Geographic"; not a byline ("by Addy Osmani") nor a part too long for a name; else ""."""
    parts = TITLE_PARTS.split(" ".join(title.split()))
    name = _site_name(parts[-1]) if len(parts) > 1 else ""
    return "" if name.casefold().startswith("by ") else name


def named_like_a_site(name: str) -> bool:
    """NAME is written as a name: each word capitalised, but for small words ("Entermedia",
    "Camels & Chocolate", "The Times of India"), not a phrase ("what happens next")."""
    words = name.split()
    return (
        bool(words)
        and words[0][:1].isupper()
        and all(
            w[:1].isupper() or w[:1].isdigit() or w.lower() in COMMON or not w[:1].isalpha()
            for w in words
        )
    )


def _as_titled(name: str, headlines: Iterable[str], domains: set[str]) -> str:
    """How the page's title writes NAME when NAME is a label of its domain as written there
    ("cleveland", "@politifact", "Wday_"): the domain itself ("... - cleveland.com", as such
    outlets call themselves) or the name spelled out ("... | PolitiFact West Virginia"); else
    "" (my6sense is what my6sense.com calls itself)."""
    labels = [_letters(domain.split(".")[0]) for domain in domains]
    if not _as_label(name, labels):
        return ""
    for headline in headlines:
        parts = [p.strip() for p in TITLE_PARTS.split(" ".join(headline.split()))]
        for part in (parts[-1], parts[0]) if len(parts) > 1 else ():
            domain = part.casefold().removeprefix("www.")
            if domain in domains:
                return domain
            spelled = len(part) <= 60 and part[:1].isupper() and not re.search(r"\d", part)
            if spelled and _spells_out(part, _letters(name)):  # (not "AliExpress 44")
                return part
    return ""


def _as_label(name: str, labels: list[str]) -> bool:
    """NAME is one of the domain's labels as written there ("detroitnews", "@politifact"),
    not spelled out."""
    return (name == name.lower() or "_" in name) and _letters(name) in labels


def _spells_out(name: str, label: str) -> bool:
    """NAME spells LABEL out: with its words apart or its own capitals ("USA TODAY", "The
    Detroit News"), not merely capitalised ("Cleveland": how trafilatura dresses a domain)."""
    plain = _letters(label)
    return plain in _letters(name) and name not in (plain, plain.capitalize(), label)


def _shares_host(name: str, labels: list[str]) -> bool:
    """NAME and a label of the domain hold one another ("NYT" and nytimes, "Sky News" and sky),
    or the label is NAME's initials ("U.S. Food and Drug Administration" and fda)."""
    letters = _letters(name)
    initials = "".join(
        w[0] for w in re.findall(r"[^\W\d_][\w.]*", name) if w[0].isupper()
    ).casefold()
    return any(
        (min(len(letters), len(label)) >= 3 and (letters in label or label in letters))
        or (len(label) >= 2 and label in initials)
        for label in labels
    )


def _as_domain(name: str) -> str:
    """NAME as the domain it may be: "trezy.io" of "Trezy_Io", of "TREZY.IO"."""
    return name.replace("_", ".").casefold() if " " not in name else ""


def _spelled_out(slug: str, headlines: Iterable[str]) -> str:
    """The part of a page title that spells SLUG out ("Cultivating Health" for
    "cultivating-health" in "10 ways ... | Cultivating Health | UC Davis Health"), or ""."""
    for headline in headlines:
        for part in TITLE_PARTS.split(" ".join(headline.split())):
            if _letters(part) == _letters(slug):
                return part.strip()
    return ""


def _spelled_out_domain(headlines: Iterable[str], host: str) -> str:
    """A part of a page title that spells out its domain, as sites write their name after the
    headline: "Affordable food | Arla Foods Ingredients" on arlafoodsingredients.com."""
    labels = set(_domain_labels(host)) - {""}
    for headline in headlines:
        parts = TITLE_PARTS.split(" ".join(headline.split()))
        for part in (parts[-1], parts[0]) if len(parts) > 1 else ():
            if _letters(part) in labels and 1 < len(part) <= 60:
                return part.strip()
    return ""


def _written_after(headlines: Iterable[str], host: str) -> str:
    """The site's name as a page title writes it after the headline, when it shares the domain
    ("... | Security.org", "... - The Princeton Review" on princetonreview.com, "... | Monkey
    Wrench" on monkeywrenchplumbers.com): how the outlet calls itself; else ""."""
    labels = _domain_labels(host)
    for headline in headlines:
        name = title_site(headline).rstrip("©®™ ")
        if name and labels and named_like_a_site(name) and _shares_host(name, labels):
            return name  # (not a tagline: "Workout shirts from Gymshark")
    return ""


def _domain_labels(host: str) -> list[str]:
    """HOST's labels but its top level and "www", as letters: "www.detroitnews.com" ->
    ["detroitnews"]."""
    return [_letters(label) for label in host.split(".")[:-1] if label != "www"]


def _letters(text: str) -> str:
    return re.sub(r"[\W_]", "", text.casefold())


def words_key(text: str) -> str:
    return " ".join(WORD.findall(text.casefold()))


SITE_NAME_PARTS = re.compile(rf"{TITLE_PARTS.pattern}|(?<=\S):\s+(?=\w+\s+\w)")


def _site_name(candidate: str) -> str:
    name = " ".join(candidate.split())
    if name.startswith("@") and " " not in name:  # a social media handle ("@politifact")
        name = name[1:]
    # A tagline after the name: "Learning Loom - Tales of Technology", "Wirecutter: Reviews
    # for the Real World" (a colon too, in a site's name: no headline here).
    parts = SITE_NAME_PARTS.split(name)
    if len(parts) > 1 and len(parts[0].split()) <= 4:
        name = parts[0].strip()
    if not 1 < len(name) <= 60 or len(name.split()) > 6 or name.lower().startswith("http"):
        return ""
    if any(re.search(r"\d", w) and re.search(r"[a-z]", w) and len(w) >= 6 for w in name.split()):
        return ""  # an id ("3d23d65-ddc6-4ce5's Substack")
    if set(name.casefold().split()) <= GENERIC_NAME:
        return ""  # a theme's placeholder or a section ("Blog", "Site", "Tech Blog"): no outlet
    return name


# Words that alone name no outlet: what themes and CMSs put where a site's name goes.
GENERIC_NAME = frozenset(
    "blog site website web home homepage page index main news official tech the my our "
    "untitled default".split()
)


def _parents(host: str) -> list[str]:
    labels = host.split(".")
    return [".".join(labels[i:]) for i in range(len(labels) - 1)]
