"""Reading Markdown for the digest: typogrify, the sanitizer and the scan for bold
mentions run at read time, so Pelican's content cache keeps their result, and the
files that are not cached are prepared in parallel. What is wrong with a file is
kept with the read as warnings, so every build says it again, cached or not."""

import logging
import multiprocessing
import os
import re
from pathlib import Path
from typing import NamedTuple

import nh3
import smartypants
from markdown import Markdown
from pelican.readers import MarkdownReader
from pelican.utils import pelican_open
from typogrify.filters import typogrify

from .mentions import Strong, scan
from .metadata import parse_date, unknown_keys
from .sanitize import Sanitizer
from .settings import read as read_settings
from .signature import digest, settings_key

logger = logging.getLogger(__name__)

STRONGS_KEY = "rassegna_strongs"
# Warnings about a file, kept in its cached read and logged on every build.
WARNINGS_KEY = "rassegna_warnings"
# Set on reads whose HTML the sanitizer has seen (or RASSEGNA_RAW_HTML let through).
SANITIZED_KEY = "rassegna_sanitized"
_CACHE_FILES = ("ArticlesGenerator-Readers", "PagesGenerator-Readers")
_VERSION_FILE = "rassegna-reader.version"
_PARALLEL_FROM = 40
_DASHES = {
    "oldschool": smartypants.Attr.set2,
    "oldschool_inverted": smartypants.Attr.set3,
}


class Prepared(NamedTuple):
    """The expensive part of reading one file: its HTML, raw metadata, mentions,
    and what is wrong with it; with `fields`, its formatted fields finished."""

    content: str
    meta: dict
    strongs: list[Strong]
    warnings: list[str]
    fields: dict | None = None


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


def _without_controls(text: str, warnings: list[str]) -> str:
    """Control characters cannot go into a page or a feed: drop them, saying so."""
    cleaned, count = _CONTROL.subn("", text)
    if count:
        warnings.append(f"removed {count} control character(s)")
    return cleaned


def prepare(path: str, settings: dict) -> Prepared:
    """Convert one Markdown file to typogrified, sanitized HTML and find its bold
    mentions. Sanitizing comes after typogrify, which only adds spans, and before
    the scan, so the recorded positions are those of the HTML that is kept."""
    warnings: list[str] = []
    markdown = Markdown(**settings["MARKDOWN"])
    with pelican_open(path) as text:
        html = markdown.convert(_without_controls(text, warnings))
    content = _without_controls(html, warnings)
    if typogrifies(settings) and content:
        content = typogrify_text(content, settings)
    conf = read_settings(settings)
    if content and not conf.raw_html:
        sanitizer = Sanitizer(conf.iframe_hosts)
        content = sanitizer.content(content)
        warnings += sanitizer.messages
    meta = getattr(markdown, "Meta", {})
    return Prepared(content, meta, scan(content), warnings)


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


def relative_path(path: str, settings: dict) -> str:
    """`path` as the curator knows it: relative to the content folder."""
    return Path(os.path.relpath(path, settings["PATH"])).as_posix()


class DigestMarkdownReader(MarkdownReader):
    """Pelican's Markdown reader, typogrifying, sanitizing, reading dates day
    first, naming unknown metadata keys and recording bold mentions."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.prepared: dict[str, Prepared] = {}
        self._fields_markdown = None

    def read(self, source_path):
        self._source_path = source_path
        prepared = self.prepared.pop(source_path, None)
        if prepared is None:
            prepared = prepare(source_path, self.settings)
        try:
            metadata = self._metadata(prepared.meta)
        except ValueError as error:
            logger.error("%s: %s", relative_path(source_path, self.settings), error)
            raise
        conf = read_settings(self.settings)
        finished = prepared.fields or {}
        messages = []
        for field, text in self._formatted(metadata):
            known = finished.get(field)
            if known is not None and known[0] == text:
                metadata[field], said = known[1:]
            else:
                metadata[field], said = self._finish(field, text, conf)
            messages += said
        warnings = [
            *prepared.warnings,
            *messages,
            *unknown_keys(prepared.meta, conf.metadata_keys),
        ]
        metadata[STRONGS_KEY] = prepared.strongs
        metadata[SANITIZED_KEY] = True
        if warnings:
            metadata[WARNINGS_KEY] = warnings
        return prepared.content, metadata

    def finished_fields(self, source_path: str, meta: dict) -> dict:
        """Each formatted field of the raw metadata `meta` of a file: the text
        Pelican parses from it, finished, with what the sanitizer said. Done
        where the file is prepared, on every core, so that `read` in the main
        process only checks the text is the same (finishing 8,000 titles there
        was over a third of Pelican's loop over the files, one after another)."""
        self._source_path = source_path
        try:
            metadata = self._metadata(meta)
        except ValueError:  # said by `read`, with the file's name
            return {}
        conf = read_settings(self.settings)
        return {
            field: (text, *self._finish(field, text, conf))
            for field, text in self._formatted(metadata)
        }

    def _metadata(self, meta: dict) -> dict:
        """Pelican's parse of the raw metadata, with one Markdown instance."""
        if self._fields_markdown is None:
            self._fields_markdown = _FieldsMarkdown(self.settings["MARKDOWN"])
        self._md = self._fields_markdown
        return self._parse_metadata(meta)

    def _formatted(self, metadata: dict):
        """(field, text) of the title and the formatted fields that are text."""
        for field in dict.fromkeys(["title", *self.settings["FORMATTED_FIELDS"]]):
            if isinstance(metadata.get(field), str):
                yield field, metadata[field]

    def _finish(self, field: str, text: str, conf) -> tuple[str, list[str]]:
        """A field typogrified and sanitized with the plugin's settings `conf`,
        and what the sanitizer said."""
        if field in ("title", "summary") and typogrifies(self.settings):
            text = typogrify_text(text, self.settings)
        if conf.raw_html:
            return text, []
        sanitizer = Sanitizer(conf.iframe_hosts)
        if field == "title":
            text = sanitizer.title(text)
        else:
            text = sanitizer.content(text, field)
        return text, sanitizer.messages

    def process_metadata(self, name, value):
        """Dates are read day first, the Italian way (see metadata.parse_date)."""
        if name in ("date", "modified") and isinstance(value, str):
            return parse_date(value)
        return super().process_metadata(name, value)


_worker_readers: dict = {}


def _start_worker(readers: dict) -> None:
    """A worker prepares with the main process's readers, which it has from the
    fork. Pelican's metadata parse speaks again in the main process, for every
    file: here it is silenced, so nothing is said twice."""
    global _worker_readers
    _worker_readers = readers
    logging.getLogger("pelican.readers").disabled = True


def _prepare_in_worker(path: str) -> tuple[str, Prepared | None]:
    reader = _worker_readers[path]
    try:
        prepared = prepare(path, reader.settings)
        fields = reader.finished_fields(path, prepared.meta)
        return path, prepared._replace(fields=fields)
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
    with context.Pool(processes, _start_worker, (pending,)) as pool:
        results = pool.imap_unordered(_prepare_in_worker, pending, chunk)
        while_waiting()
        for path, prepared in results:
            if prepared is not None:
                pending[path].prepared[path] = prepared


def cache_version(settings: dict) -> str:
    """What cached reads depend on: these modules' code and the settings."""
    here = Path(__file__).parent
    modules = ("reader.py", "mentions.py", "sanitize.py", "metadata.py")
    code = [(here / module).read_bytes() for module in modules]
    return digest(code, nh3.__version__, settings_key(settings))


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
