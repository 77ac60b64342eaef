"""Deterministic descriptions of what a page shows, hashed, so an unchanged page
can be recognised from one build to the next."""

import datetime
import hashlib
import re
from pathlib import Path

from pelican import __version__ as pelican_version
from pelican.contents import Content
from pelican.paginator import Page as PaginatorPage
from pelican.paginator import Paginator
from pelican.urlwrappers import URLWrapper

from .groups import Country, Topic
from .resolve import Entity

_FOREIGN_LINK = re.compile(
    r"[{|](?:filename|static|attach|index|author|category|tag)[|}]"
)
_ENTITY_LINK = re.compile(r"\{filename\}/\.rassegna/")


_SCALARS = (str, int, float, bool, type(None))


class Unknown(Exception):
    """A value whose description is not known: its page is always rendered."""


def digest(*parts) -> str:
    return hashlib.sha1(repr(parts).encode("utf-8")).hexdigest()


def plain(value):
    """A settings-like value reduced to what repr() shows alike in every run."""
    if isinstance(value, (str, int, float, bool, type(None))):
        return value
    if isinstance(value, (list, tuple, set, frozenset)):
        items = [plain(v) for v in value]
        return sorted(items, key=repr) if isinstance(value, (set, frozenset)) else items
    if isinstance(value, dict):
        return sorted((str(k), plain(v)) for k, v in value.items())
    return type(value).__name__


def settings_key(settings: dict) -> str:
    names = sorted(key for key in settings if key.isupper())
    return digest([(key, plain(settings[key])) for key in names])


def files_key(*folders: Path) -> str:
    """The contents of every file below `folders`."""
    hashed = hashlib.sha1()
    for folder in folders:
        for path in sorted(p for p in folder.rglob("*") if p.is_file()):
            if "__pycache__" in path.parts:
                continue
            hashed.update(str(path.relative_to(folder)).encode())
            hashed.update(path.read_bytes())
    return hashed.hexdigest()


def site_key(settings: dict, theme: str) -> str:
    """What every page depends on: Pelican, this plugin, the theme and settings."""
    plugin = Path(__file__).parent
    return digest(
        pelican_version, files_key(plugin, Path(theme)), settings_key(settings)
    )


class Describer:
    """Describes pages' inputs, remembering each content object's description."""

    def __init__(self, url_map):
        self._url_map = url_map
        self._url_map_key = None
        self._contents: dict[int, str] = {}

    def _links_key(self) -> str:
        if self._url_map_key is None:
            self._url_map_key = digest(self._url_map())
        return self._url_map_key

    def content(self, item: Content) -> str:
        """An article or page: its HTML, metadata and the plugin's data about it."""
        known = self._contents.get(id(item))
        if known is not None:
            return known
        html = item._content or ""
        links = _FOREIGN_LINK.findall(_ENTITY_LINK.sub("", html))
        metadata = {k: v for k, v in item.metadata.items() if k != "rassegna_strongs"}
        key = digest(
            html,
            item.url,
            self.value(metadata, 1),
            self.value(getattr(item, "topic", None), 1),
            self.value(getattr(item, "countries", []), 1),
            self.value(getattr(item, "entities", []), 1),
            self.value(getattr(item, "reading_key", None), 1),
            self._links_key() if links else "",
        )
        self._contents[id(item)] = key
        return key

    def value(self, value, depth: int = 0):
        """A description of `value`; entities, countries and topics in full at
        the top (depth 0) and by name, address and size further down."""
        if isinstance(value, _SCALARS):
            return value
        if isinstance(value, Content):
            return self.content(value)
        if isinstance(value, (list, tuple)):
            return [
                self.content(v) if isinstance(v, Content) else self.value(v, depth + 1)
                for v in value
            ]
        if isinstance(value, dict):
            return sorted((str(k), self.value(v, depth + 1)) for k, v in value.items())
        if isinstance(value, (datetime.date, datetime.datetime)):
            return value.isoformat()
        if isinstance(value, URLWrapper):
            # Its address follows from its name and the settings (in the site key).
            return (type(value).__name__, value.name)
        if isinstance(value, PaginatorPage):
            return (
                "page",
                value.number,
                value.url,
                [self.value(v, depth + 1) for v in value.object_list],
            )
        if isinstance(value, Paginator):
            return ("paginator", value.num_pages)
        if isinstance(value, (Entity, Country, Topic)):
            return self._digest_object(value, depth)
        raise Unknown(type(value).__name__)

    def _digest_object(self, value, depth: int):
        if depth > 0:
            return (type(value).__name__, value.name, value.url, len(value.articles))
        fields = {}
        for name, field in vars(value).items():
            fields[name] = self.value(field, 1)
        return sorted(fields.items())
