"""The site's search index: Pagefind reads the finished output and writes its
bundle (index, WebAssembly and the default search UI) into it, so search works
from static files alone.

Which pages are indexed is said by the templates: Pagefind indexes only the
elements marked `data-pagefind-body` (published articles' text; the header of
entity, country and topic pages), so drafts, hidden articles, lists and indexes
never reach the index. Filters (`data-pagefind-filter`) and weights are set there
too. The language, hence Italian stemming, comes from `<html lang>`.
"""

import gzip
import hashlib
import json
import logging
import os
import shutil
import subprocess
from pathlib import Path

import cbor2
from pagefind_bin import get_executable

from . import outputs
from .errors import BuildError
from .settings import read as read_settings

logger = logging.getLogger(__name__)

# Pagefind writes this file into every bundle: a folder without it is not one.
_BUNDLE_MARK = "pagefind-entry.json"
# Every data file of the bundle: gzip of this signature and a CBOR document.
_SIGNATURE = b"pagefind_dcd"
# What Pagefind reports when no page is marked for the index: it then indexes
# every page, drafts and hidden articles included.
_NOTHING_MARKED = "Did not find a data-pagefind-body element"
# In the cache: what the last index was made from, and what its bundle held.
_RECORD = "rassegna-search.json"


def index_site(pelican) -> list[str]:
    """output_settled: index the finished site, the last step of every build.
    When the pages are the very files the last index was made from and its
    bundle is as that build left it, Pagefind would write the same bytes: the
    bundle is kept instead, and its files are returned, for the writer to count
    as this build's."""
    bundle = read_settings(pelican.settings).search_bundle
    if not bundle:
        return []
    output = Path(pelican.settings["OUTPUT_PATH"])
    folder = output / bundle
    record = _record_file(pelican.settings)
    found = outputs.scan(str(output))
    pages = _pages_stamp(found, bundle)
    if folder.exists() and record is not None:
        kept = _kept(record, pages, _in_bundle(found, bundle))
        if kept is not None:
            return [f"{bundle}/{name}" for name in kept]
    if folder.exists():
        if not (folder / _BUNDLE_MARK).is_file():
            raise BuildError(
                f"{folder} is not a search index Pagefind wrote, and the index"
                " would replace it: move it, or set RASSEGNA_SEARCH_BUNDLE to"
                " another folder"
            )
        # Pagefind adds its files next to the last build's; stale ones would stay.
        shutil.rmtree(folder)
    if record is not None:
        record.unlink(missing_ok=True)
    command = [
        str(get_executable()),
        "--site",
        str(output),
        "--output-subdir",
        bundle,
    ]
    result = subprocess.run(command, capture_output=True, text=True, check=False)
    if result.returncode != 0:
        raise BuildError(
            f"the search index of {output} could not be built:"
            f" {(result.stderr or result.stdout).strip()}"
        )
    if _NOTHING_MARKED in result.stdout:
        shutil.rmtree(folder)
        logger.warning(
            "No published page to index: the search page finds nothing until"
            " an article is published"
        )
        return []
    make_deterministic(folder)
    if record is not None:
        stamp = {"pages": pages, "bundle": _stamps(outputs.scan(str(folder)))}
        record.parent.mkdir(parents=True, exist_ok=True)
        record.write_text(json.dumps(stamp, sort_keys=True), encoding="utf-8")
    return []


def _record_file(settings: dict) -> Path | None:
    """Where the last index's sources are noted, when the build keeps a cache."""
    if not settings.get("CACHE_CONTENT"):
        return None
    return Path(settings["CACHE_PATH"]) / _RECORD


def _pages_stamp(found: dict, bundle: str) -> str:
    """A digest of what Pagefind reads: Pagefind itself and every HTML file of
    the site outside the bundle (`found`: the output folder's scan), by name,
    inode and change time (which every write moves and no copy can set back)."""
    executable = Path(get_executable())
    status = executable.stat()
    parts = [(str(executable), status.st_size, status.st_mtime_ns)]
    # Pagefind also reads a configuration file in the folder it runs from, and
    # PAGEFIND_ variables.
    for config in sorted(Path.cwd().glob("pagefind.*")):
        if config.is_file():
            parts.append((config.name, config.read_bytes()))
    parts.append(
        sorted((k, v) for k, v in os.environ.items() if k.startswith("PAGEFIND"))
    )
    for name, stamp in sorted(found.items()):
        if name.endswith(".html") and not name.startswith(bundle + "/"):
            parts.append((name, *stamp))
    return hashlib.blake2b(repr(parts).encode()).hexdigest()


def _in_bundle(found: dict, bundle: str) -> dict:
    """The bundle's files in the output folder's scan, named within the bundle."""
    prefix = bundle + "/"
    return {
        name.removeprefix(prefix): stamp
        for name, stamp in found.items()
        if name.startswith(prefix)
    }


def _stamps(files: dict) -> dict:
    """A scan as JSON keeps it: each stamp a list."""
    return {name: list(stamp) for name, stamp in files.items()}


def _kept(record: Path, pages: str, bundle: dict) -> list[str] | None:
    """The bundle's files, if the last index was made from `pages` and the
    bundle (its scan) has not changed since; None otherwise."""
    try:
        last = json.loads(record.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    if last.get("pages") != pages or last.get("bundle") != _stamps(bundle):
        return None
    return sorted(bundle)


def _read(path: Path):
    data = gzip.decompress(path.read_bytes())
    if not data.startswith(_SIGNATURE):
        raise BuildError(f"{path} is not a Pagefind data file")
    return cbor2.loads(data[len(_SIGNATURE) :])


def _write(folder: Path, pattern: str, stem: str, document, digits: int) -> str:
    """Write `document` as Pagefind does, named `<stem>_<hash of its bytes>`
    (the file: `pattern` with that name in it, below `folder`); the name."""
    data = _SIGNATURE + cbor2.dumps(document)
    name = f"{stem}_{hashlib.sha1(data).hexdigest()[:digits]}"
    (folder / pattern.format(name)).write_bytes(gzip.compress(data, mtime=0))
    return name


def make_deterministic(folder: Path) -> None:
    """Give the bundle the same bytes in every build of the same site.

    Pagefind 1.5 writes each filter's values, and the list of filters, in the
    order of a Rust hash map, which changes from run to run (Pagefind issue
    #638: fragments are stable, "filter/metadata indexes" are not). The filter
    files and each language's metadata are rewritten here in sorted order, and
    renamed after their new contents, as Pagefind names them; nothing else in
    the bundle changes.
    """
    entry_path = folder / _BUNDLE_MARK
    entry = json.loads(entry_path.read_text(encoding="utf-8"))
    for language in entry["languages"].values():
        old_meta = folder / f"pagefind.{language['hash']}.pf_meta"
        meta = _read(old_meta)
        filters = []
        for filter_name, old_hash in meta[3]:
            old_file = folder / "filter" / f"{old_hash}.pf_filter"
            key, values = _read(old_file)
            old_file.unlink()
            document = [key, sorted(values, key=lambda value: value[0])]
            stem = old_hash.rsplit("_", 1)[0]  # the language, as Pagefind names it
            name = _write(folder, "filter/{}.pf_filter", stem, document, 7)
            filters.append([filter_name, name])
        meta[3] = sorted(filters)
        old_meta.unlink()
        stem = language["hash"].rsplit("_", 1)[0]
        language["hash"] = _write(folder, "pagefind.{}.pf_meta", stem, meta, 10)
    entry_path.write_text(
        json.dumps(entry, ensure_ascii=False, separators=(",", ":")), encoding="utf-8"
    )
