"""Links to other content ({filename}, {static}, {attach}) checked on every
build. Pelican reports a missing target only while rendering the page, and the
writer does not render a page that has not changed: a broken link would be
reported once and then never again."""

import functools
import os
from html import unescape
from urllib.parse import unquote, urlparse


def _context_keys(what: str) -> tuple[str, ...]:
    """Where Pelican looks a link's target up: {filename} also finds static files."""
    if what == "filename":
        return ("generated_content", "static_content")
    return ("static_content",)


@functools.lru_cache(maxsize=65536)
def _candidates(value: str) -> tuple[str, ...]:
    """The paths Pelican tries for a link's value, in its order. Kept: every
    mention of an entity links to the same value."""
    path = urlparse(value).path
    return (path, unquote(path), urlparse(unescape(value)).path)


def _found(content, what: str, value: str, context: dict) -> bool:
    for path in _candidates(value):
        if path.startswith("/"):
            source = path[1:]
        else:
            source = content.get_relative_source_path(
                os.path.join(content.relative_dir, path)
            )
        for key in _context_keys(what):
            target = context[key].get(source)
            if target is None:
                continue
            # Pelican lists a linked static file even when it does not exist.
            if key == "generated_content" or os.path.isfile(target.source_path):
                return True
    return False


def broken_links(content, context: dict) -> list[str]:
    """A message for each link in `content`'s text or formatted metadata whose
    target is not in the site."""
    texts = [content._content or ""]
    for field in content.settings["FORMATTED_FIELDS"]:
        value = content.metadata.get(field)
        if isinstance(value, str):
            texts.append(value)
    pattern = content._get_intrasite_link_regex()
    messages = []
    for text in texts:
        for match in pattern.finditer(text):
            what, value = match.group("what"), match.group("value")
            if what in ("filename", "static", "attach") and not _found(
                content, what, value, context
            ):
                messages.append(
                    f"broken link {match.group('path')}: no such file in the"
                    " content folder (or not read: see the warnings above)"
                )
    return messages
