"""Reading Markdown for the digest: typogrify and the scan for bold mentions run at
read time, so Pelican's content cache keeps their result, and the files that are
not cached are prepared in parallel."""

import logging
import multiprocessing
import re
from pathlib import Path
from typing import NamedTuple

import smartypants
from markdown import Markdown
from pelican.readers import MarkdownReader
from pelican.utils import pelican_open
from typogrify.filters import typogrify

from .mentions import Strong, scan
from .settings import read as read_settings
from .signature import digest, settings_key

logger = logging.getLogger(__name__)

STRONGS_KEY = "rassegna_strongs"
_CACHE_FILES = ("ArticlesGenerator-Readers", "PagesGenerator-Readers")
_VERSION_FILE = "rassegna-reader.version"
_PARALLEL_FROM = 40
_DASHES = {
    "oldschool": smartypants.Attr.set2,
    "oldschool_inverted": smartypants.Attr.set3,
}


class Prepared(NamedTuple):
    """The expensive part of reading one file: its HTML, raw metadata and mentions."""

    content: str
    meta: dict
    strongs: list[Strong]


def typogrify_text(text: str, settings: dict) -> str:
    """Typogrify as Pelican does, with its TYPOGRIFY_* settings."""
    attributes = _DASHES.get(settings["TYPOGRIFY_DASHES"], smartypants.Attr.set1)
    smartypants.Attr.default = attributes | smartypants.Attr.w
    omitted = dict.fromkeys(settings["TYPOGRIFY_OMIT_FILTERS"], False)
    return typogrify(text, settings["TYPOGRIFY_IGNORE_TAGS"], **omitted)


def typogrifies(settings: dict) -> bool:
    """Whether the reader typogrifies: asked for, and Pelican is not doing it."""
    return read_settings(settings).typogrify and not settings["TYPOGRIFY"]


_CONTROL = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")


def _without_controls(text: str, path: str) -> str:
    """Control characters cannot go into a page or a feed: drop them, saying so."""
    cleaned, count = _CONTROL.subn("", text)
    if count:
        logger.warning("%s: removed %d control character(s)", path, count)
    return cleaned


def prepare(path: str, settings: dict) -> Prepared:
    """Convert one Markdown file to typogrified HTML and find its bold mentions."""
    markdown = Markdown(**settings["MARKDOWN"])
    with pelican_open(path) as text:
        content = _without_controls(
            markdown.convert(_without_controls(text, path)), path
        )
    if typogrifies(settings) and content:
        content = typogrify_text(content, settings)
    return Prepared(content, getattr(markdown, "Meta", {}), scan(content))


class _FieldsMarkdown:
    """What Pelican's `_parse_metadata` asks of a Markdown instance, served by one
    instance for every file instead of a new one each (a tenth of a build)."""

    def __init__(self, markdown_settings: dict):
        self._markdown = Markdown(**markdown_settings)
        self._markdown.preprocessors.deregister("meta")
        self.preprocessors = self

    def deregister(self, name: str) -> None:
        """The metadata preprocessor is already off."""

    def reset(self) -> None:
        self._markdown.reset()

    def convert(self, text: str) -> str:
        return self._markdown.convert(text)


class DigestMarkdownReader(MarkdownReader):
    """Pelican's Markdown reader, typogrifying and recording bold mentions."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.prepared: dict[str, Prepared] = {}
        self._fields_markdown = None

    def read(self, source_path):
        self._source_path = source_path
        prepared = self.prepared.pop(source_path, None)
        if prepared is None:
            prepared = prepare(source_path, self.settings)
        if self._fields_markdown is None:
            self._fields_markdown = _FieldsMarkdown(self.settings["MARKDOWN"])
        self._md = self._fields_markdown
        metadata = self._parse_metadata(prepared.meta)
        if typogrifies(self.settings):
            for field in ("title", "summary"):
                if field in metadata:
                    metadata[field] = typogrify_text(metadata[field], self.settings)
        metadata[STRONGS_KEY] = prepared.strongs
        return prepared.content, metadata


_worker_settings: dict = {}


def _start_worker(settings: dict) -> None:
    global _worker_settings
    _worker_settings = settings


def _prepare_in_worker(path: str) -> tuple[str, Prepared | None]:
    try:
        return path, prepare(path, _worker_settings)
    except Exception:  # the reader reads it again and Pelican reports the error
        return path, None


def prepare_all(readers, paths: list[str], processes: int, while_waiting) -> None:
    """Prepare the uncached Markdown files among `paths` on `processes` cores, for
    the readers to pick up when Pelican reads them one by one; this process runs
    `while_waiting()` meanwhile."""
    pending: dict[str, DigestMarkdownReader] = {}
    for path in paths:
        reader = readers.readers.get(Path(path).suffix[1:])
        uncached = readers.get_cached_data(path, None) is None
        if isinstance(reader, DigestMarkdownReader) and uncached:
            pending[path] = reader
    if processes < 2 or len(pending) < _PARALLEL_FROM:
        return
    chunk = max(1, len(pending) // (processes * 8))
    context = multiprocessing.get_context("fork")
    with context.Pool(processes, _start_worker, (readers.settings,)) as pool:
        results = pool.imap_unordered(_prepare_in_worker, pending, chunk)
        while_waiting()
        for path, prepared in results:
            if prepared is not None:
                pending[path].prepared[path] = prepared


def cache_version(settings: dict) -> str:
    """What cached reads depend on: these modules' code and the settings."""
    here = Path(__file__).parent
    code = [(here / module).read_bytes() for module in ("reader.py", "mentions.py")]
    return digest(code, settings_key(settings))


def drop_stale_cache(settings: dict) -> None:
    """Delete Pelican's reader caches when what they were built with has changed."""
    if not settings.get("CACHE_CONTENT"):
        return
    folder = Path(settings["CACHE_PATH"])
    stamp = folder / _VERSION_FILE
    version = cache_version(settings)
    if stamp.is_file() and stamp.read_text() == version:
        return
    for name in _CACHE_FILES:
        (folder / name).unlink(missing_ok=True)
    folder.mkdir(parents=True, exist_ok=True)
    stamp.write_text(version)
