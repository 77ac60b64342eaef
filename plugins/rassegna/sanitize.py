"""Raw HTML from content made safe before it reaches a page, a summary or a feed.

A digest is built from pasted agency copy: a `<script>`, an `onerror=` or a
`javascript:` link in it would run on the site's own address. The allow-list
sanitizer nh3 (the Rust library ammonia) keeps what Markdown, its `extra`
extensions, code highlighting and typogrify write, and the common HTML a
curator pastes; it drops scripts, event handlers, styles, forms, objects,
embeds and URLs other than web, mail and telephone ones. An `<iframe>` stays
only when its `https` address is on a host of RASSEGNA_IFRAME_HOSTS.

What is removed is described, so the reader can say it, naming the file.
"""

import re
from collections import Counter
from urllib.parse import urlsplit

import nh3

_CONTENT_TAGS = {
    *("a", "abbr", "b", "bdi", "bdo", "blockquote", "br", "caption", "cite"),
    *("code", "col", "colgroup", "dd", "del", "details", "dfn", "div", "dl"),
    *("dt", "em", "figcaption", "figure", "h1", "h2", "h3", "h4", "h5", "h6"),
    *("hr", "i", "img", "ins", "kbd", "li", "mark", "ol", "p", "pre", "q"),
    *("rp", "rt", "ruby", "s", "samp", "small", "span", "strong", "sub"),
    *("summary", "sup", "table", "tbody", "td", "tfoot", "th", "thead", "time"),
    *("tr", "u", "ul", "var", "wbr", "iframe", "video", "audio", "source"),
}
# Footnotes, headings' anchors and typogrify's spans need id and class.
_GENERIC_ATTRIBUTES = {"class", "id", "title", "lang", "dir"}
_CONTENT_ATTRIBUTES = {
    "a": {"href", "hreflang", "rel"},
    "img": {"src", "alt", "width", "height", "loading"},
    "iframe": {
        *("src", "width", "height", "title", "allow", "allowfullscreen"),
        *("loading", "referrerpolicy", "frameborder"),
    },
    "video": {"src", "controls", "poster", "width", "height", "preload", "muted"},
    "audio": {"src", "controls", "preload", "muted"},
    "source": {"src", "type"},
    # Markdown's tables align columns with style="text-align: …"; only that
    # property is kept (filter_style_properties), on table cells only.
    "td": {"colspan", "rowspan", "align", "style"},
    "th": {"colspan", "rowspan", "align", "scope", "style"},
    "col": {"span"},
    "colgroup": {"span"},
    "ol": {"start", "reversed", "type"},
    "li": {"value"},
    "time": {"datetime"},
    "del": {"cite", "datetime"},
    "ins": {"cite", "datetime"},
    "q": {"cite"},
    "blockquote": {"cite"},
    "details": {"open"},
}
# A title is a line of text: inline markup only, no images, links or embeds.
_TITLE_TAGS = {"abbr", "b", "code", "em", "i", "mark", "q", "s", "small", "span"}
_TITLE_TAGS |= {"strong", "sub", "sup", "u"}
_TITLE_ATTRIBUTES = {"abbr": {"title"}}
_URL_SCHEMES = {"http", "https", "mailto", "tel"}

_START_TAG = re.compile(
    r"""<([a-zA-Z][a-zA-Z0-9-]*)((?:\s+[^\s=/>]+(?:\s*=\s*(?:"[^"]*"|'[^']*'|[^\s>]*))?)*)\s*/?>"""
)
_ATTRIBUTE = re.compile(r"""([^\s=/>]+)(?:\s*=\s*(?:"[^"]*"|'[^']*'|[^\s>]*))?""")
# nh3 writes every attribute as name="value", so its own output is read simply.
_IFRAME = re.compile(r'<iframe((?: [^\s=>]+="[^"]*")*)>.*?</iframe>', re.DOTALL)
_CELL = re.compile(r'<(t[dh])((?: [^\s=>]+="[^"]*")*)>')


def _tags_and_attributes(html: str) -> tuple[Counter, Counter]:
    """How often each start tag and each tag's attribute appears in `html`."""
    tags, attributes = Counter(), Counter()
    for match in _START_TAG.finditer(html):
        tag = match.group(1).lower()
        tags[tag] += 1
        for attribute in _ATTRIBUTE.finditer(match.group(2)):
            attributes[(tag, attribute.group(1).lower())] += 1
    return tags, attributes


def _removed(before: str, after: str, refused_hosts: set[str]) -> list[str]:
    """What sanitizing took away, in words a curator recognises, sorted."""
    tags_before, attributes_before = _tags_and_attributes(before)
    tags_after, attributes_after = _tags_and_attributes(after)
    found = set()
    for tag, count in tags_before.items():
        if count > tags_after[tag] and not (tag == "iframe" and refused_hosts):
            found.add(f"<{tag}>")
    for (tag, name), count in attributes_before.items():
        if f"<{tag}>" in found or count <= attributes_after[(tag, name)]:
            continue
        if tag == "iframe" and refused_hosts:
            continue
        url = name in ("href", "src", "poster", "cite")
        found.add(f"unsafe {name} address" if url else f"{name} attribute")
    found.update(f"<iframe> from {host}" for host in refused_hosts)
    return sorted(found)


class Sanitizer:
    """Cleans content and titles with the site's iframe hosts, and keeps a
    message for each piece of HTML it changed."""

    def __init__(self, iframe_hosts: frozenset[str]):
        self._iframe_hosts = iframe_hosts
        self._refused: set[str] = set()
        self.messages: list[str] = []

    def _say(self, removed: list[str], where: str) -> None:
        if removed:
            self.messages.append(
                f"removed from the {where} for safety: {', '.join(removed)}"
            )

    def _filter(self, tag: str, name: str, value: str) -> str | None:
        """Keep an iframe's address only when it is https on an allowed host."""
        if tag != "iframe" or name != "src":
            return value
        address = urlsplit(value.strip())
        host = (address.hostname or "").lower()
        if address.scheme == "https" and host in self._iframe_hosts:
            return value
        self._refused.add(host or value.strip()[:60])
        return None

    @staticmethod
    def _cells(html: str) -> str:
        """A cell's style attribute left empty (no text-align in it) goes."""

        def tidy(match):
            attributes = match.group(2).replace(' style=""', "")
            return f"<{match.group(1)}{attributes}>"

        return _CELL.sub(tidy, html) if ' style=""' in html else html

    @staticmethod
    def _embeds(html: str) -> str:
        """Iframes whose address was refused go; kept ones lose their content."""

        def keep(match):
            attributes = match.group(1)
            return f"<iframe{attributes}></iframe>" if ' src="' in attributes else ""

        return _IFRAME.sub(keep, html) if "<iframe" in html else html

    def content(self, html: str, where: str = "text") -> str:
        """Safe HTML for an article's text or summary."""
        self._refused = set()
        cleaned = nh3.clean(
            html,
            tags=_CONTENT_TAGS,
            attributes=_CONTENT_ATTRIBUTES | {"*": _GENERIC_ATTRIBUTES},
            attribute_filter=self._filter,
            url_schemes=_URL_SCHEMES,
            link_rel=None,
            filter_style_properties={"text-align"},
        )
        cleaned = self._cells(self._embeds(cleaned))
        self._say(_removed(html, cleaned, self._refused), where)
        return cleaned

    def title(self, html: str) -> str:
        """Safe HTML for a title: inline markup only."""
        cleaned = nh3.clean(
            html,
            tags=_TITLE_TAGS,
            attributes=_TITLE_ATTRIBUTES | {"*": {"class"}},
            url_schemes=_URL_SCHEMES,
            link_rel=None,
        )
        self._say(_removed(html, cleaned, set()), "title")
        return cleaned
