"""Pelican's memo of rendered content, kept to the most recently used entries.

Pelican memoizes `Content.get_content` (`pelican.utils.memoized`) by content
object and site URL, in one dict for the life of the process. With relative URLs
an article is asked for at each depth it is shown from, so the memo ends a build
holding about three copies of every article's HTML, in the main process and
again in each worker: at 32,000 articles, hundreds of megabytes that no page
asks for again. A value is a pure function of its key, so dropping an entry
only costs rendering it again if it is asked for. The memo of `get_summary`
is left whole: its entries are short, and the listings ask for each summary
again all through a build, so a bounded one would truncate the same HTML over
and over (10% more time at 8,000 articles)."""

from collections import OrderedDict

from pelican.contents import Content

from . import settings

# Pelican's `memoized` object itself (not the method it binds): its `cache`
# is the memo's dict.
MEMO = Content.__dict__["get_content"]


class RecentlyUsed(OrderedDict):
    """A dict that keeps its `limit` most recently read or written entries."""

    def __init__(self, limit: int, entries=()):
        self.limit = limit
        super().__init__(entries)

    def __getitem__(self, key):
        value = super().__getitem__(key)
        self.move_to_end(key)
        return value

    def __setitem__(self, key, value):
        super().__setitem__(key, value)
        self.move_to_end(key)
        self._trim()

    def _trim(self) -> None:
        while len(self) > self.limit:
            self.popitem(last=False)


def bound_rendered_memo(pelican) -> None:
    """initialized: give Pelican's memo the bound the settings ask for (None:
    Pelican's own unbounded dict), keeping what it already holds."""
    limit = settings.read(pelican.settings).rendered_kept
    if limit is None:
        if isinstance(MEMO.cache, RecentlyUsed):
            MEMO.cache = dict(MEMO.cache)
    elif not isinstance(MEMO.cache, RecentlyUsed) or MEMO.cache.limit != limit:
        MEMO.cache = RecentlyUsed(limit, MEMO.cache)
