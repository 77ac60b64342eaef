"""Bold mentions: HTML in, mention texts out, and mentions rewritten as links."""

import unicodedata
from collections.abc import Callable

from bs4 import BeautifulSoup, Tag

from .identity import collapse_space, words

_VERBATIM = ("code", "pre", "kbd", "samp", "script", "style")
_OPENERS = {")": "(", "]": "[", "}": "{", "»": "«", "”": "“", "›": "‹"}


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


def mention_tags(soup: BeautifulSoup) -> list[Tag]:
    """The outermost `<strong>` elements that are not inside code."""
    return [
        tag
        for tag in soup.find_all("strong")
        if tag.find_parent(["strong", *_VERBATIM]) is None
    ]


def mention_text(tag: Tag, max_words: int) -> str | None:
    """The entity name a `<strong>` stands for, or None when it is no entity."""
    text = trim(collapse_space(tag.get_text()))
    if not text or not any(c.isalnum() for c in text):
        return None
    if len(words(text)) > max_words:
        return None
    return text


def _soup(html: str) -> BeautifulSoup:
    return BeautifulSoup(html, "html.parser")


def extract_mentions(html: str, max_words: int) -> list[str]:
    """Every entity name marked in bold in `html`, in document order."""
    if "<strong" not in html:
        return []
    found = (mention_text(tag, max_words) for tag in mention_tags(_soup(html)))
    return [text for text in found if text is not None]


def link_mentions(
    html: str, max_words: int, link_for: Callable[[str], dict | None]
) -> str:
    """Wrap each bold mention in a link; `link_for(name)` gives the link's
    attributes. A bold already inside a link keeps that link only."""
    if "<strong" not in html:
        return html
    soup = _soup(html)
    changed = False
    for tag in mention_tags(soup):
        text = mention_text(tag, max_words)
        attrs = link_for(text) if text is not None else None
        if attrs is None or tag.find_parent("a") or tag.find("a"):
            continue
        tag.wrap(soup.new_tag("a", attrs=attrs))
        changed = True
    return str(soup) if changed else html
