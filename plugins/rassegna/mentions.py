"""Bold mentions: HTML in, mention names and their places out; mentions spliced
into links.

One pass of the standard library's HTML parser finds every outermost `<strong>`
with its exact start and end in the HTML, so linking inserts `<a>` and `</a>`
around it and leaves every other byte of the article as it was.
"""

import functools
import re
import unicodedata
from collections.abc import Callable
from html import escape
from html.parser import HTMLParser
from typing import NamedTuple

from .identity import collapse_space, words

_VERBATIM = {"code", "pre", "kbd", "samp", "script", "style"}
_NO_TEXT = {"script", "style"}
_VOID = {
    "area", "base", "br", "col", "embed", "hr", "img", "input",
    "link", "meta", "source", "track", "wbr",
}  # fmt: skip
_OPENERS = {")": "(", "]": "[", "}": "{", "»": "«", "”": "“", "›": "‹"}


class Strong(NamedTuple):
    """An outermost `<strong>`: its visible text, where it starts and ends in the
    HTML, and whether a link may wrap it (not already in or around a link, and
    closed by its own end tag)."""

    text: str
    start: int
    end: int
    linkable: bool


def _is_edge_mark(char: str) -> bool:
    return char.isspace() or unicodedata.category(char)[0] in "PSZ"


def _keeps_last(text: str) -> bool:
    """A closing mark that ends the name itself: `(PD)`, `S.p.A.`."""
    last = text[-1]
    if last in _OPENERS:
        return text.count(_OPENERS[last]) >= text.count(last)
    return last == "." and "." in text[:-1] and " " not in text.rsplit(".", 2)[-2]


def trim(text: str) -> str:
    """Drop the punctuation and spaces around a name (`**Polonia,**`)."""
    start, end = 0, len(text)
    while start < end and _is_edge_mark(text[start]):
        start += 1
    while end > start and _is_edge_mark(text[end - 1]):
        if _keeps_last(text[start:end]):
            break
        end -= 1
    return text[start:end]


# An Italian article or articulated preposition elided before a name: l’Onu,
# dell’Ue, all’Italia. Written lower-case it belongs to the sentence; capitalised
# it is part of the name (L’Aquila, D’Alema, Dell’Utri).
_ELISION = re.compile(r"(?:l|dell|all|nell|sull|dall|un)['’`]\s*(?=\w)")


def is_label(text: str) -> bool:
    """Bold ending with a colon introduces what follows (Fonte:, Aggiornamento:)."""
    return text.rstrip().endswith((":", "："))


@functools.lru_cache(maxsize=1 << 16)
def mention_name(text: str, max_words: int) -> str | None:
    """The entity name a bold text stands for, or None when it is no entity (a
    label, punctuation, emphasis longer than `max_words`). A leading elided
    article is dropped: the name of `l’Onu` is `Onu`."""
    if not text.isprintable():
        text = "".join(c if c.isprintable() else " " for c in text)
    text = collapse_space(text)
    if is_label(text):
        return None
    name = trim(text)
    elided = _ELISION.match(name)
    if elided:
        name = trim(name[elided.end() :])
    if not any(c.isalnum() for c in name) or len(words(name)) > max_words:
        return None
    return name


class _StrongScanner(HTMLParser):
    def __init__(self, html: str):
        super().__init__(convert_charrefs=True)
        self.html = html
        self.line_starts = [0] + [m.end() for m in re.finditer("\n", html)]
        self.open: list[str] = []
        self.found: list[Strong] = []
        self.current: dict | None = None

    def position(self) -> int:
        line, column = self.getpos()
        return self.line_starts[line - 1] + column

    def handle_starttag(self, tag, attrs):
        if tag in _VOID:
            return
        current = self.current
        if current is None and tag == "strong" and _VERBATIM.isdisjoint(self.open):
            self.current = {
                "start": self.position(),
                "depth": len(self.open),
                "parts": [],
                "linkable": "a" not in self.open,
                "hidden": 0,
            }
        elif current is not None:
            if tag == "a":
                current["linkable"] = False
            if tag in _NO_TEXT:
                current["hidden"] += 1
        self.open.append(tag)

    def handle_startendtag(self, tag, attrs):
        """`<br/>`, `<strong/>`: nothing opens, so nothing to track."""

    def handle_endtag(self, tag):
        if tag not in self.open:
            return
        while self.open.pop() != tag:
            pass
        current = self.current
        if current is None:
            return
        if tag in _NO_TEXT:
            current["hidden"] -= 1
        if len(self.open) <= current["depth"]:
            start = self.position()
            end = self.html.index(">", start) + 1
            text = "".join(current["parts"])
            linkable = current["linkable"] and tag == "strong"
            self.found.append(Strong(text, current["start"], end, linkable))
            self.current = None

    def handle_data(self, data):
        if self.current is not None and not self.current["hidden"]:
            self.current["parts"].append(data)


def scan(html: str) -> list[Strong]:
    """Every outermost `<strong>` of `html` that is not inside code."""
    if "<strong" not in html:
        return []
    scanner = _StrongScanner(html)
    scanner.feed(html)
    scanner.close()
    return scanner.found


def names_of(strongs: list[Strong], max_words: int) -> list[str]:
    """The entity names among bold elements, in document order."""
    found = (mention_name(strong.text, max_words) for strong in strongs)
    return [name for name in found if name is not None]


def extract_mentions(html: str, max_words: int) -> list[str]:
    """Every entity name marked in bold in `html`, in document order."""
    return names_of(scan(html), max_words)


def link_strongs(
    html: str,
    strongs: list[Strong],
    max_words: int,
    link_for: Callable[[str], dict[str, str]],
) -> str:
    """Wrap each linkable bold mention in a link whose attributes `link_for(name)`
    gives; everything else in `html` stays byte for byte."""
    pieces, position = [], 0
    for strong in strongs:
        name = mention_name(strong.text, max_words)
        if name is None or not strong.linkable:
            continue
        attributes = "".join(
            f' {key}="{escape(value)}"' for key, value in link_for(name).items()
        )
        pieces += [html[position : strong.start], f"<a{attributes}>"]
        pieces += [html[strong.start : strong.end], "</a>"]
        position = strong.end
    if not pieces:
        return html
    pieces.append(html[position:])
    return "".join(pieces)


def link_mentions(html: str, max_words: int, link_for) -> str:
    """Scan `html` and link its bold mentions (see link_strongs)."""
    return link_strongs(html, scan(html), max_words, link_for)
