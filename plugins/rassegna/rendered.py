"""Pelican's memo of rendered content, kept to the most recently used entries.

Pelican memoizes `Content.get_content` and `get_summary` (`pelican.utils.memoized`)
by content object and site URL, in one dict for the life of the process. With
relative URLs an article is asked for at each depth it is shown from, so the memo
ends a build holding about three copies of every article's HTML, in the main
process and again in each worker: at 32,000 articles, hundreds of megabytes
that no page asks for again. The values are pure functions of their keys, so
dropping an entry only costs rendering it again when it is asked for."""

from collections import OrderedDict

from pelican.contents import Content

from . import settings

MEMOIZED = ("get_content", "get_summary")


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
    """initialized: give Pelican's memos the bound the settings ask for (None:
    Pelican's own unbounded dict), keeping what they already hold."""
    limit = settings.read(pelican.settings).rendered_kept
    for name in MEMOIZED:
        memo = Content.__dict__[name]
        if limit is None:
            if isinstance(memo.cache, RecentlyUsed):
                memo.cache = dict(memo.cache)
        elif not isinstance(memo.cache, RecentlyUsed) or memo.cache.limit != limit:
            memo.cache = RecentlyUsed(limit, memo.cache)
