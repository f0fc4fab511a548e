"""The lead picture's caption and credit in a saved page. The picture is the one its og:image
names (html.py); its caption is what the <figure> showing that picture says under it (the
<figcaption>, read as plain text), with the credit apart: an element the page marks as one by
its class ("credit", "copyright"), else the words that end the caption ("Photo: Jane Roe",
"(AP Photo/Jane Roe)": header.credit, as in text dumps). A page that shows the picture in no
figure with a caption gives none: a caption found elsewhere may be another picture's."""

from __future__ import annotations

import copy
import re
from collections.abc import Iterator
from typing import Any
from urllib.parse import urlsplit

from briefings.ingest.header import credit, credited

MAX_CAPTION = 400  # characters: longer is the story or a gallery's text, not a caption
FIGURES_LOOKED_AT = 200  # a page of thumbnails is not read to its end
CREDIT_CLASS = re.compile(r"credit|copyright|attribution", re.IGNORECASE)
# The copies a CMS makes of a picture at other sizes: "storm-1024x576.jpg" is "storm.jpg".
_SIZED = re.compile(r"-\d{2,5}x\d{2,5}(?=\.\w{3,4}$)")
_IMAGE_ATTRIBUTES = ("src", "data-src", "data-lazy-src", "data-original", "srcset", "data-srcset")


def lead_caption(tree: Any, src: str, outlets: list[str]) -> tuple[str, str]:
    """The caption and the credit (either may be "") the page's TREE shows under the picture
    at SRC. A "caption" that only credits (the outlet's name, "Jane Roe/NYT", "Illustration:
    Jane Roe") is the credit."""
    name = _file_name(src)
    if not name:
        return "", ""
    for i, figure in enumerate(tree.iter("figure")):
        if i >= FIGURES_LOOKED_AT:
            break
        if any(_file_name(url) == name for url in _addresses(figure)):
            caption, given = _read(figure)
            if not given and _only_credits(caption, outlets):
                caption, given = "", caption
            return caption, _named(given)
    return "", ""


CREDIT_WORDS = 8  # "Investopedia / Mira Norian", "Michael Hession/NYT Wirecutter"


def _only_credits(caption: str, outlets: list[str]) -> bool:
    """CAPTION names who made or owns the picture and says nothing of what it shows."""
    if any(caption.casefold() == outlet.casefold() for outlet in outlets if outlet):
        return True
    short = len(caption.split()) <= CREDIT_WORDS
    return short and ("/" in caption or caption[:1] == "©")  # (a labelled one: see _read)


def _named(given: str) -> str:
    """Who a credit names, without the label it opens with ("Photo: Jane Roe" -> "Jane Roe",
    "Image via Getty Images" -> "Getty Images": header.credit, as in text dumps)."""
    match = credit(given)
    return credited(match) if match is not None and match.start() == 0 else given


def _file_name(url: str) -> str:
    """The file a picture's address names, whatever the host, query or size of the copy: a
    CDN serves one picture under many addresses."""
    try:
        path = urlsplit(url.strip()).path
    except ValueError:
        return ""
    name = _SIZED.sub("", path.rsplit("/", 1)[-1]).lower()
    stem = name.rsplit(".", 1)[0]
    return name if len(stem) >= 6 else ""  # "1.jpg" or "image.png" could be anything


def _addresses(figure: Any) -> Iterator[str]:
    for node in figure.iter("img", "source"):
        for attribute in _IMAGE_ATTRIBUTES:
            for candidate in (node.get(attribute) or "").split(","):
                address = candidate.strip().split(" ")[0]
                if address:
                    yield address


def _read(figure: Any) -> tuple[str, str]:
    found = next(figure.iter("figcaption"), None)
    if found is None:
        return "", ""
    caption = copy.deepcopy(found)  # the page's tree stays as it was
    marked = next(
        (n for n in caption.iterdescendants() if CREDIT_CLASS.search(str(n.get("class") or ""))),
        None,
    )
    given = ""
    if marked is not None:
        given = _text(marked)
        marked.drop_tree()  # (its tail, text after it, stays)
    text = _text(caption)
    if len(text) > MAX_CAPTION:
        return "", ""
    if not given and (match := credit(text)):
        text, given = text[: match.start()].strip(), credited(match)
    return text, given.strip(" .")[:MAX_CAPTION]


def _text(node: Any) -> str:
    return " ".join(node.text_content().split())
