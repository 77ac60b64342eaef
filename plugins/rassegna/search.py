"""The site's search index: Pagefind reads the finished output and writes its
bundle (index, WebAssembly and the default search UI) into it, so search works
from static files alone.

Which pages are indexed is said by the templates: Pagefind indexes only the
elements marked `data-pagefind-body` (published articles' text; the header of
entity, country and topic pages), so drafts, hidden articles, lists and indexes
never reach the index. Filters (`data-pagefind-filter`) and weights are set there
too. The language, hence Italian stemming, comes from `<html lang>`.

Pagefind has no incremental mode: it reads every page on every run. The index
can be made in parts (RASSEGNA_SEARCH_PART_PAGES): each marked page falls in one by a
hash of its name, Pagefind indexes each part from a tree of links to its pages
only (parts side by side, one per core), and the search page merges the parts.
A part whose pages are the very files its last index was made from is kept, so
an edit re-indexes the parts it touched, not the site.
"""

import gzip
import hashlib
import json
import logging
import os
import re
import shutil
import subprocess
import tempfile
from concurrent.futures import ThreadPoolExecutor
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
# every page it was given.
_NOTHING_MARKED = "Did not find a data-pagefind-body element"
_MARK = b"data-pagefind-body"
# The attribute in a start tag, after any others (quoted values may hold `>`);
# text cannot hold a bare `<`: the pages Pagefind indexes.
_MARKED = re.compile(
    rb"<[A-Za-z][^\s/>]*"
    rb"""(?:\s+[^\s"'=/>]+(?:\s*=\s*(?:"[^"]*"|'[^']*'|[^\s"'=<>`]+))?)*?"""
    rb"\s+data-pagefind-body(?=[\s=/>])"
)
# Parts other than the first are bundles in these folders of the first's; the
# search page reads their names from this file of the first bundle.
_PART = "part-"
_PARTS_LIST = "parts.json"
# In the cache: which pages are marked, and what each part was made from.
_RECORD = "rassegna-search.json"


def index_site(pelican, newer=None) -> list[str]:
    """output_settled: index the finished site, the last step of every build.
    Parts made from the very pages they were made from last time, whose bundle
    is as that build left it, are kept: their files are returned, for the writer
    to count as this build's.

    `newer()`, asked before and while Pagefind runs, says whether a newer build
    waits (the preview's warm process): the index is then left to it as it is,
    every file of it counted as this build's and its record untouched, so the
    newer build indexes again every part whose pages changed since the record."""
    config = read_settings(pelican.settings)
    bundle = config.search_bundle
    if not bundle:
        return []
    output = Path(pelican.settings["OUTPUT_PATH"])
    folder = output / bundle
    if folder.exists() and not _is_bundle(folder):
        raise BuildError(
            f"{folder} is not a search index Pagefind wrote, and the index"
            " would replace it: move it, or set RASSEGNA_SEARCH_BUNDLE to"
            " another folder"
        )
    record_file = _record_file(pelican.settings)
    last = _load(record_file)
    found = outputs.scan(str(output))
    pages = {
        name: stamp
        for name, stamp in found.items()
        if name.endswith(".html") and not name.startswith(bundle + "/")
    }
    marked = _marked(output, pages, last.get("pages", {}))
    parts = _split(sorted(name for name, flag in marked.items() if flag), config)
    if not parts:
        if folder.exists():
            shutil.rmtree(folder)
        _save(record_file, {"pages": _with_flags(pages, marked), "parts": {}})
        logger.warning(
            "No published page to index: the search page finds nothing until"
            " an article is published"
        )
        return []
    tool = _tool_stamp()
    in_bundle = _in_bundle(found, bundle)
    kept = {}
    for key, names in parts.items():
        files = _files(in_bundle, key)
        if last.get("parts", {}).get(key) == _made(tool, names, pages, files):
            kept[key] = files
    if newer is not None and newer():
        return _as_it_is(folder, bundle)
    _clear(folder, set(parts), set(kept))
    try:
        _index_parts(
            output,
            folder,
            {k: v for k, v in parts.items() if k not in kept},
            config,
            newer,
        )
    except NewerBuild:
        return _as_it_is(folder, bundle)
    except BuildError:
        shutil.rmtree(folder, ignore_errors=True)
        _save(record_file, {})
        raise
    listed = _list_parts(folder, parts)
    # Linking a page moves its change time: the linked pages are stamped again.
    for key, names in parts.items():
        if key not in kept:
            for name in names:
                status = os.stat(output / name)
                pages[name] = (status.st_ino, status.st_ctime_ns)
    in_bundle = outputs.scan(str(folder))
    made = {
        key: _made(tool, names, pages, _files(in_bundle, key))
        for key, names in parts.items()
    }
    _save(record_file, {"pages": _with_flags(pages, marked), "parts": made})
    kept_files = [name for files in kept.values() for name in files]
    if listed:
        kept_files.append(_PARTS_LIST)
    return sorted(f"{bundle}/{name}" for name in kept_files)


class NewerBuild(Exception):
    """A newer build waits: the index is left to it."""


def _as_it_is(folder: Path, bundle: str) -> list[str]:
    """Every file of the index as it is, for the writer to count as this build's."""
    if not folder.is_dir():
        return []
    return sorted(f"{bundle}/{name}" for name in outputs.scan(str(folder)))


def _made(tool: list, names: list[str], pages: dict, files: dict) -> dict:
    """What a part's bundle is made from and what it holds: a digest of
    Pagefind and the part's pages, by name, inode and change time (which every
    write moves and no copy can set back), and the bundle's files' stamps."""
    sources = [tool, [(name, *pages[name]) for name in names]]
    return {
        "sources": hashlib.blake2b(repr(sources).encode()).hexdigest(),
        "bundle": _stamps(files),
    }


def _list_parts(folder: Path, parts: dict) -> bool:
    """Write the list of the other parts' folders into the first bundle, for
    the search page; whether the list was there already, as it is."""
    listed = json.dumps(sorted(f"{key}/" for key in parts if key))
    list_file = folder / _PARTS_LIST
    if list_file.is_file() and list_file.read_text(encoding="utf-8") == listed:
        return True
    list_file.write_text(listed, encoding="utf-8")
    return False


def _is_bundle(folder: Path) -> bool:
    """Whether `folder` holds what this module writes: a bundle of Pagefind's,
    or, after a failed run, nothing but part folders."""
    if (folder / _BUNDLE_MARK).is_file():
        return True
    return all(
        entry.is_dir() and entry.name.startswith(_PART) for entry in folder.iterdir()
    )


def _marked(output: Path, pages: dict, last: dict) -> dict[str, bool]:
    """Which pages hold a `data-pagefind-body` element; a page read for it
    last time, and not written since, is not read again."""
    marked = {}
    for name, stamp in pages.items():
        known = last.get(name)
        if known is not None and known[:-1] == list(stamp):
            marked[name] = known[-1]
        else:
            page = (output / name).read_bytes()
            # The plain search first: the pattern is slow on a page without it.
            marked[name] = _MARK in page and _MARKED.search(page) is not None
    return marked


def _with_flags(pages: dict, marked: dict) -> dict:
    """The record of which pages are marked: each page's stamp and its flag."""
    return {name: [*stamp, marked[name]] for name, stamp in pages.items()}


def _split(names: list[str], config) -> dict[str, list[str]]:
    """The marked pages by part: the first part's key is "" (its bundle is the
    configured folder, with the UI the search page loads), the others' the
    folder of their bundle within it. A page's part is a hash of its name, so
    adding or removing a page leaves the other parts as they were. The number of
    parts is a power of two, so it changes only when the site doubles or halves,
    and parts hold at least RASSEGNA_SEARCH_PART_PAGES pages on average: Pagefind
    weighs a word by how many pages of its index hold it, and in parts too small
    those counts would be chance."""
    size = config.search_part_pages
    count = 1
    while size is not None and count * 2 * size <= len(names):
        count *= 2
    buckets = {}
    for name in names:
        digest = hashlib.blake2b(name.encode(), digest_size=8).digest()
        number = int.from_bytes(digest, "big") % count
        buckets.setdefault(number, []).append(name)
    parts = {}
    for position, number in enumerate(sorted(buckets)):
        parts["" if position == 0 else f"{_PART}{number}"] = buckets[number]
    return parts


def _tool_stamp() -> list:
    """What Pagefind reads besides the pages: itself, a configuration file in
    the folder it runs from and PAGEFIND_ variables."""
    executable = Path(get_executable())
    status = executable.stat()
    parts = [(str(executable), status.st_size, status.st_mtime_ns)]
    for config in sorted(Path.cwd().glob("pagefind.*")):
        if config.is_file():
            parts.append((config.name, config.read_bytes().decode("utf-8", "replace")))
    parts.append(
        sorted((k, v) for k, v in os.environ.items() if k.startswith("PAGEFIND"))
    )
    return parts


def _files(in_bundle: dict, key: str) -> dict:
    """The files of one part's bundle, named within the configured folder."""
    if key:
        return {n: s for n, s in in_bundle.items() if n.startswith(key + "/")}
    return {
        n: s
        for n, s in in_bundle.items()
        if not n.startswith(_PART) and n != _PARTS_LIST
    }


def _clear(folder: Path, parts: set[str], kept: set[str]) -> None:
    """Remove the bundles to be made again and those of parts no longer made:
    Pagefind adds its files next to a folder's old ones, which would stay."""
    if not folder.exists():
        return
    for entry in folder.iterdir():
        key = entry.name if entry.name.startswith(_PART) and entry.is_dir() else ""
        if key in kept and key in parts:
            continue
        if entry.is_dir():
            shutil.rmtree(entry)
        else:
            entry.unlink()


def _index_parts(output: Path, folder: Path, parts: dict, config, newer) -> None:
    """Run Pagefind on each part, side by side, each on a tree of links to its
    pages only (Pagefind would otherwise read every file of the site). Stop
    them all, raising NewerBuild, as soon as `newer()` says a newer build waits."""
    if not parts:
        return
    try:  # beside the output, on its file system, where links can be made
        folders = tempfile.TemporaryDirectory(
            prefix=".rassegna-search-", dir=output.parent
        )
    except OSError:  # a folder the build may not write in: copies elsewhere
        folders = tempfile.TemporaryDirectory(prefix="rassegna-search-")
    with folders as trees:

        def index(item):
            key, names = item
            tree = Path(trees) / (key or "first")
            for name in names:
                link = tree / name
                link.parent.mkdir(parents=True, exist_ok=True)
                try:
                    os.link(output / name, link)
                except OSError:  # another file system, or no links allowed
                    shutil.copyfile(output / name, link)
            command = [
                str(get_executable()),
                "--site",
                str(tree),
                "--output-path",
                str((folder / key).resolve()),
            ]
            returncode, stdout, stderr = _run(command, newer)
            if returncode != 0:
                raise BuildError(
                    f"the search index of {output} could not be built:"
                    f" {(stderr or stdout).strip()}"
                )
            if _NOTHING_MARKED in stdout:
                raise BuildError(
                    "Pagefind found no data-pagefind-body element in "
                    + ", ".join(names[:5])
                    + ": the text `data-pagefind-body` appears in a tag there"
                    " without marking it for the index"
                )
            shutil.rmtree(tree)
            make_deterministic(folder / key)

        with ThreadPoolExecutor(max_workers=config.processes) as pool:
            list(pool.map(index, sorted(parts.items())))


def _run(command: list[str], newer) -> tuple[int, str, str]:
    """Run `command` to its end, or kill it and raise NewerBuild when `newer()`
    says a newer build waits (asked a few times a second)."""
    if newer is not None and newer():
        raise NewerBuild
    pipe = subprocess.PIPE
    with subprocess.Popen(command, stdout=pipe, stderr=pipe, text=True) as process:
        while True:
            try:
                stdout, stderr = process.communicate(timeout=0.2 if newer else None)
                return process.returncode, stdout, stderr
            except subprocess.TimeoutExpired:
                if newer():
                    process.kill()
                    process.communicate()
                    raise NewerBuild from None


def _record_file(settings: dict) -> Path | None:
    """Where the last index's sources are noted, when the build keeps a cache."""
    if not settings.get("CACHE_CONTENT"):
        return None
    return Path(settings["CACHE_PATH"]) / _RECORD


def _load(record: Path | None) -> dict:
    if record is None:
        return {}
    try:
        data = json.loads(record.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}
    # A record in another shape (an older version's) is no record.
    if not isinstance(data.get("pages"), dict) or not isinstance(
        data.get("parts"), dict
    ):
        return {}
    return data


def _save(record: Path | None, data: dict) -> None:
    if record is None:
        return
    record.parent.mkdir(parents=True, exist_ok=True)
    record.write_text(json.dumps(data, sort_keys=True), encoding="utf-8")


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
