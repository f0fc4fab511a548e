"""Python-Markdown, faster, with the same HTML.

Inline patterns are most of the time Python-Markdown takes on news text: every pattern is
tried on every paragraph, in Python, by two inline processors (the core one and smarty's),
about thirty tries per paragraph when almost all of them cannot match. The shortcuts here
skip only tries that cannot succeed; tests/test_markup.py renders real and generated texts
with and without them and compares the HTML.
"""

from __future__ import annotations

import re
from bisect import bisect_left
from typing import Any
from xml.etree.ElementTree import Element

import markdown
import markdown.blockprocessors
import markdown.inlinepatterns as core
import markdown.treeprocessors
from markdown.extensions import smarty

# Strings that must all occur in a text for a pattern to match in it, by the pattern's
# regular expression. A pattern not listed is always tried. Matching replaces text by
# placeholders, never empty and made of none of these characters, so a pattern that cannot
# match a text cannot match what the text becomes either.
_NEEDS: dict[str, tuple[str, ...]] = {
    core.BACKTICK_RE: ("`",),
    core.ESCAPE_RE: ("\\",),
    core.REFERENCE_RE: ("[",),
    core.LINK_RE: ("[",),
    core.IMAGE_LINK_RE: ("[",),
    core.IMAGE_REFERENCE_RE: ("[",),
    r"\[\^([^\]]*)\]": ("[",),  # footnotes
    core.AUTOLINK_RE: ("<",),
    core.AUTOMAIL_RE: ("<",),
    core.HTML_RE: ("<",),
    core.ENTITY_RE: ("&",),
    core.LINE_BREAK_RE: ("  \n",),
    r"(?<!-)---(?!-)": ("---",),  # smarty's dashes and ellipses
    r"(?<!-)--(?!-)": ("--",),
    r"(?<!\.)\.{3}(?!\.)": ("...",),
    smarty.singleQuoteStartRe: ("'",),
    smarty.doubleQuoteStartRe: ('"',),
    smarty.doubleQuoteSetsRe: ('"', "'"),
    smarty.singleQuoteSetsRe: ('"', "'"),
    smarty.doubleQuoteSetsRe2: ('"', "'"),
    smarty.singleQuoteSetsRe2: ('"', "'"),
    smarty.decadeAbbrRe: ("'",),
    smarty.openingSingleQuotesRegex: ("'",),
    smarty.closingSingleQuotesRegex: ("'",),
    smarty.closingSingleQuotesRegex2: ("'",),
    smarty.remainingSingleQuotesRegex: ("'",),
    smarty.openingDoubleQuotesRegex: ('"',),
    smarty.closingDoubleQuotesRegex: ('"',),
    smarty.closingDoubleQuotesRegex2: ('"',),
    smarty.remainingDoubleQuotesRegex: ('"',),
}

# A line that a block processor other than the paragraph's could claim: blank or indented, a
# heading, quote, list item, rule, table, definition, reference, footnote; fences and raw
# HTML are placeholders (\x02) by then, and excluded twice over.
_BLOCK_SYNTAX = re.compile(r"^(?:[\s#>\[*+\-:=_`~<]|\d+[.)])|[|\x02]", re.MULTILINE)
# The block processors _BLOCK_SYNTAX was written for (those of the site's extensions).
_KNOWN_BLOCKS = frozenset(
    "markdown_block empty indent defindent code table hashheader setextheader hr olist ulist"
    " deflist quote footnote abbr reference paragraph".split()
)

_DELIMITERS = getattr(core, "DelimiterProcessor", ())  # Python-Markdown 3.11 on
_HANDLE_INLINE: Any = getattr(
    markdown.treeprocessors.InlineProcessor, "_InlineProcessor__handleInline", None
)


class MarkdownShortcuts(markdown.Extension):
    """Load last: it replaces the inline processors other extensions registered."""

    def extendMarkdown(self, md: markdown.Markdown) -> None:
        blocks = md.parser.blockprocessors
        if len(blocks) == len(_KNOWN_BLOCKS) and all(name in blocks for name in _KNOWN_BLOCKS):
            blocks.register(_PlainBlocks(md.parser), "plain_blocks", 200)  # before all others
        if _FIND_BRACKET_ENDS is not None:
            for pattern in md.inlinePatterns:
                if isinstance(pattern, core.LinkInlineProcessor) and _stock_brackets(pattern):
                    # An instance's attribute, called as the stock staticmethod is.
                    pattern._findBracketEnds = BracketEnds
        if _HANDLE_INLINE is None:
            return  # another Python-Markdown than the one this was written for: no shortcut
        for name, priority in (("inline", 20), ("smarty", 6)):
            if name in md.treeprocessors:
                stock = md.treeprocessors[name]
                if type(stock) is not markdown.treeprocessors.InlineProcessor:
                    continue
                shortcut: markdown.treeprocessors.Treeprocessor
                if name == "smarty" and _Typographer.can_do(stock.inlinePatterns):
                    shortcut = _Typographer(md, stock.inlinePatterns)
                else:
                    shortcut = _SelectiveInline(md, stock.inlinePatterns)
                md.treeprocessors.register(shortcut, name, priority)


_FIND_BRACKET_ENDS: Any = getattr(core.LinkInlineProcessor, "_findBracketEnds", None)


def _stock_brackets(pattern: core.LinkInlineProcessor) -> bool:
    kind = type(pattern)
    return (
        kind.getText is core.LinkInlineProcessor.getText
        and getattr(kind, "_findBracketEnds", None) is _FIND_BRACKET_ENDS
    )


_BRACKET = re.compile(r"[\[\]]")


class BracketEnds:
    """What Python-Markdown's LinkInlineProcessor._findBracketEnds gives for a text (for each
    index, the index just past the `]` that closes a bracket opened before it, or None), with
    a Python step per bracket, not per character. The stock one walked every character of a
    text again each time a link pattern met a `[` in it: in news text, where brackets mark an
    editor's insertion ("[the minister]") far more often than a link, that was a tenth of a
    site's Markdown time. Depth changes only at brackets, so every index between two brackets
    has the same answer: it is worked out once per such stretch, by the stock algorithm."""

    __slots__ = ("_ends", "_places")

    def __init__(self, data: str) -> None:
        self._places = [m.start() for m in _BRACKET.finditer(data)]
        # Stretch g: the indexes after g brackets, from STARTS[g] to the next bracket.
        starts = [0, *(place + 1 for place in self._places)]
        self._ends: list[int | None] = [None] * len(starts)
        depth = 0
        stack: list[tuple[int, int]] = []  # stretches waiting for their bracket to close
        for g, start in enumerate(starts):
            while stack and depth < stack[-1][1]:
                self._ends[stack.pop()[0]] = start
            stack.append((g, depth))
            if g < len(self._places):
                depth += 1 if data[self._places[g]] == "[" else -1

    def __getitem__(self, index: int) -> int | None:
        return self._ends[bisect_left(self._places, index)]


class _PlainBlocks(markdown.blockprocessors.BlockProcessor):
    """A block no other processor could claim goes straight to the paragraph processor, not
    through the tests of a dozen others (most blocks of news text)."""

    def test(self, parent: Element, block: str) -> bool:
        return bool(block) and not _BLOCK_SYNTAX.search(block)

    def run(self, parent: Element, blocks: list[str]) -> bool | None:
        return self.parser.blockprocessors["paragraph"].run(parent, blocks)


class _SelectiveInline(markdown.treeprocessors.InlineProcessor):
    """An inline processor that tries on each text only the patterns whose needed strings
    it contains, in the stock order.

    Python-Markdown walks a list of patterns per text, and re-enters for the text inside a
    match (emphasis, link text) at the next pattern's index: that text is part of the outer
    one, so the outer text's list serves for it too. Hence the list is chosen only on entry
    from the tree walk (depth 0)."""

    def __init__(self, md: markdown.Markdown, patterns: markdown.util.Registry) -> None:
        super().__init__(md)
        self._registry = patterns
        self._order: tuple[tuple[object, tuple[str, ...]], ...] = ()
        self._table: list[tuple[tuple[tuple[int, ...], ...], object]] = []
        self._needles: list[str] = []
        self._lists: dict[tuple[bool, ...], list[object]] = {}
        self._depth = 0

    def run(self, tree: Element, ancestors: list[str] | None = None) -> Element:
        # Extensions may register patterns, or delimiters, after this processor was made.
        order = tuple((p, tuple(getattr(p, "tokens", ()))) for p in self._registry)
        if order != self._order:
            self._plan(order)
        return super().run(tree, ancestors)

    def _plan(self, order: tuple[tuple[object, tuple[str, ...]], ...]) -> None:
        needles: dict[str, int] = {}
        self._table = []
        for pattern, _ in order:
            groups = tuple(
                tuple(needles.setdefault(n, len(needles)) for n in group)
                for group in _needs(pattern)
            )
            self._table.append((groups, pattern))
        self._order = order
        self._needles = list(needles)
        self._lists = {}

    def _patterns_for(self, data: str) -> list[object]:
        key = tuple([needle in data for needle in self._needles])
        patterns = self._lists.get(key)
        if patterns is None:
            patterns = self._lists[key] = [
                pattern
                for groups, pattern in self._table
                if all(any(key[i] for i in group) for group in groups)
            ]
        return patterns

    def _InlineProcessor__handleInline(self, data: str, patternIndex: int = 0) -> str:
        if self._depth:
            return _HANDLE_INLINE(self, data, patternIndex)
        self.inlinePatterns = self._patterns_for(data)
        self._depth += 1
        try:
            return _HANDLE_INLINE(self, data, patternIndex)
        finally:
            self._depth -= 1


class _Typographer(markdown.treeprocessors.Treeprocessor):
    """smarty's quotes, dashes and ellipses: its own patterns, in its order, applied to the
    same texts as its inline processor applies them, with the same result, in a fraction of
    the time (smarty took half the time of a news article's Markdown).

    smarty's inline processor searches each text for each pattern in turn, from the start,
    and replaces each match by an opaque placeholder (\x02...\x03) before it looks for the
    next match after it; a match's text, and the entity it stores in the HTML stash, come back
    when all patterns are done. Most of its time went to the searches: each pattern was tried
    at every place of a paragraph. Here a pattern is tried only where its match can begin:
    at its character (a quote, a dash, a stop), or a few places before it for the two whose
    match opens with what precedes the quote (a space, a dash: _KEYS)."""

    def __init__(self, md: markdown.Markdown, patterns: markdown.util.Registry) -> None:
        super().__init__(md)
        self._patterns = [
            (p.compiled_re, tuple(p.replace), *_KEYS[p.compiled_re.pattern]) for p in patterns
        ]

    @staticmethod
    def can_do(patterns: markdown.util.Registry) -> bool:
        """Whether PATTERNS are all smarty's text substitutions as known here (angled quotes
        add another kind)."""
        return all(
            type(p) is smarty.SubstituteTextPattern and p.compiled_re.pattern in _KEYS
            for p in patterns
        )

    def run(self, root: Element) -> None:
        # The stock processor reads each element's text and tail, not the root's; never the
        # text of code (an AtomicString).
        for element in root.iter():
            if element is root:
                continue
            if element.text and not isinstance(element.text, markdown.util.AtomicString):
                element.text = self._educate(element.text)
            if element.tail and not isinstance(element.tail, markdown.util.AtomicString):
                element.tail = self._educate(element.tail)

    def _educate(self, text: str) -> str:
        if not _SMARTY_NEEDS.search(text):
            return text  # nothing any pattern could match: most texts of a page
        stash = self.md.htmlStash
        said: list[str] = []  # what each placeholder stands for
        for regex, replace, key, before in self._patterns:
            at, place = 0, text.find(key)
            while place >= 0:
                # The leftmost match, as a search from AT finds it: none begins before a place
                # of KEY, but for what may precede KEY (BEFORE characters at most).
                for start in range(max(at, place - before), place + 1):
                    if (match := regex.match(text, start)) is not None:
                        break
                else:
                    place = text.find(key, place + 1)
                    continue
                said.append(
                    "".join(
                        match.group(p) if isinstance(p, int) else stash.store(p) for p in replace
                    )
                )
                mark = f"\x02typo:{len(said) - 1}\x03"
                text = text[: match.start()] + mark + text[match.end() :]
                at = match.start() + len(mark)
                place = text.find(key, at)
        return _MARK.sub(lambda m: said[int(m.group(1))], text) if said else text


_SMARTY_NEEDS = re.compile(r"['\"]|--|\.\.\.")
# (Not the HTML stash's placeholders, nor those of escaped characters: "\x0262\x03" is "\>".)
_MARK = re.compile("\x02typo:(\\d+)\x03")
# Each smarty pattern: the character its match holds first, and how many characters may
# precede that one in a match (what opens a quote: a space, "&nbsp;", "&#8211;", a dash).
_KEYS: dict[str, tuple[str, int]] = {
    r"(?<!-)---(?!-)": ("-", 0),
    r"(?<!-)--(?!-)": ("-", 0),
    r"(?<!\.)\.{3}(?!\.)": (".", 0),
    smarty.singleQuoteStartRe: ("'", 0),
    smarty.doubleQuoteStartRe: ('"', 0),
    smarty.doubleQuoteSetsRe: ('"', 0),
    smarty.singleQuoteSetsRe: ("'", 0),
    smarty.doubleQuoteSetsRe2: ("'", 0),
    smarty.singleQuoteSetsRe2: ('"', 0),
    smarty.decadeAbbrRe: ("'", 0),
    smarty.openingSingleQuotesRegex: ("'", 7),
    smarty.closingSingleQuotesRegex: ("'", 0),
    smarty.closingSingleQuotesRegex2: ("'", 0),
    smarty.remainingSingleQuotesRegex: ("'", 0),
    smarty.openingDoubleQuotesRegex: ('"', 7),
    smarty.closingDoubleQuotesRegex: ('"', 0),
    smarty.closingDoubleQuotesRegex2: ('"', 0),
    smarty.remainingDoubleQuotesRegex: ('"', 0),
}


def _needs(pattern: object) -> tuple[tuple[str, ...], ...]:
    """What a pattern cannot match without: each group, one of its strings. No groups: the
    pattern is always tried."""
    if isinstance(pattern, _DELIMITERS):  # emphasis: any of its delimiters
        return (tuple(pattern.tokens),) if pattern.tokens else ()
    compiled = getattr(pattern, "compiled_re", None)
    needs = _NEEDS.get(compiled.pattern, ()) if compiled is not None else ()
    return tuple((needle,) for needle in needs)
