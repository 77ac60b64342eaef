"""Live preview from a warm process: one build process keeps the site's reads in
memory and builds again on every save, instead of a new interpreter, imports
and the caches loaded from disk for each one.

`WarmProcess` is the preview server's handle on that process (a child running
`python -m curator.warm`): `build()` asks for a build and returns, once a
page is previewed (the edited article's, or one a browser shows) or the pages
are written, the failure's message, if any; `follow()` waits for the rest of
a previewed build; `settle()` waits for the search index, made after the
pages; `restart()` starts a new process, for a change to code, settings or
theme, which only a new interpreter picks up.
The child (`WarmSite`) builds with a new Pelican and freshly read settings
every time, as `invoke build` does, and keeps only what is sound to keep:

- the readers' results (HTML and metadata of each source file), in memory
  instead of Pelican's cache file, keyed by path and checked against the file
  (`MemoryReaders`): every build makes new content objects from copies of them,
  since Pelican, the plugin and other plugins change those objects;
- the writer's last manifest (what each page read), handed to the next build
  in memory instead of unpickled (`DigestWriter.remembered`), written to disk
  too, so a later `invoke build` starts from it;
- what the interpreter itself keeps: imported modules, the gazetteers' loaded
  data, compiled code;
- until the next build writes its pages, the last finished build's writer and
  objects: `WarmSite.preview` renders an edited article's page from them
  before the build, when nothing else can have changed for that page.

A build that a newer save overtakes stops before it writes, or between two
pages it writes (`Superseded`).

The child speaks JSON lines: one request ("build", optionally with the pages
a browser shows, or "quit") a line on its standard input, replies a line each
on the standard output it started with (see `serve`); its own prints and log
go to standard error (the terminal).
"""

import copy
import datetime
import hashlib
import json
import logging
import os
import queue
import subprocess
import sys
import threading
import time
import traceback
import weakref
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


class WarmProcess:
    """The preview server's side: starts the warm build process, asks it for
    builds and restarts it. Safe to call from two threads: the server's, and
    one that waits for the rest of a previewed build (`follow`)."""

    def __init__(self, settings_file: Path, overrides: dict):
        self.command = [
            sys.executable,
            "-m",
            "curator.warm",
            str(settings_file),
            json.dumps(overrides),
        ]
        # Run where `invoke build` runs: beside the settings.
        self.cwd = Path(settings_file).parent
        self.process: subprocess.Popen | None = None
        # Where the last build is: None (ended, or none asked for), "preview"
        # (one page written before it), "pages" (its pages written, its search
        # index not yet).
        self.stage: str | None = None
        # Builds asked for so far: tells a late `follow` from the last build's.
        self.builds = 0
        self._lock = threading.Lock()

    def start(self) -> None:
        # Wide log lines, so that no file name is cut short in the terminal.
        environment = {**os.environ, "COLUMNS": "400"}
        path = [str(ROOT), environment.get("PYTHONPATH", "")]
        environment["PYTHONPATH"] = os.pathsep.join(p for p in path if p)
        self.process = subprocess.Popen(
            self.command,
            cwd=self.cwd,
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            text=True,
            env=environment,
        )

    def build(self, shown=()) -> str:
        """Build in the warm process: "" when the build succeeded, else what
        went wrong, with the file named. `shown` names the pages a browser
        shows (output files), which the build renders first. The request goes
        at once, so a build still running gives way to it. Returns once a page
        is previewed (`stage` "preview": `follow` waits for the rest) or the
        build's pages are written, while the search index is still being made
        (see `settle`). A process that died is started again."""
        request = f"build {json.dumps(sorted(shown))}" if shown else "build"
        asked = self._ask(request)
        with self._lock:
            late = self._settle()
            self.builds += 1
            for _ in range(2):  # a process that died is started once
                if not asked:
                    self._stop()
                    self.start()
                    asked = self._ask(request)
                reply = self._reply() if asked else None
                if reply is not None and reply["stage"] in ("preview", "pages"):
                    self.stage = reply["stage"]
                    return late
                if reply is not None:
                    return "" if reply["ok"] else reply["message"]
                asked = False
            return _STOPPED

    def _ask(self, request: str) -> bool:
        """Send a build request; whether it could be sent."""
        if self.process is None or self.process.poll() is not None:
            return False
        try:
            self.process.stdin.write(request + "\n")
            self.process.stdin.flush()
        except (BrokenPipeError, OSError):
            return False
        return True

    def follow(self) -> tuple[int, bool, str]:
        """After a preview, wait until the build's pages are written: (the
        build's number, whether pages other than the previewed one changed,
        what went wrong)."""
        with self._lock:
            build = self.builds
            if self.stage != "preview":
                return build, False, ""
            reply = self._reply()
            if reply is None:
                self.stage = None
                return build, True, _STOPPED
            if reply["stage"] == "pages":
                self.stage = "pages"
                return build, reply["changed"], ""
            self.stage = None
            if reply.get("superseded"):
                return build, False, ""
            return build, True, "" if reply["ok"] else reply["message"]

    def settle(self) -> str:
        """Wait for the last build to end (its search index written): "" or
        what went wrong since its preview or its pages were written."""
        with self._lock:
            return self._settle()

    def _settle(self) -> str:
        while self.stage is not None:
            reply = self._reply()
            if reply is None:
                self.stage = None
                return _STOPPED
            if reply["stage"] == "done":
                self.stage = None
                return "" if reply["ok"] else reply["message"]
            self.stage = reply["stage"]
        return ""

    def _reply(self) -> dict | None:
        line = self.process.stdout.readline()
        return json.loads(line) if line else None

    def restart(self) -> None:
        with self._lock:
            self._stop()
            self.start()

    def stop(self) -> None:
        with self._lock:
            self._stop()

    def _stop(self) -> None:
        if self.process is None:
            return
        process, self.process = self.process, None
        self.stage = None
        try:
            process.stdin.write("quit\n")
            process.stdin.close()
        except (BrokenPipeError, OSError):
            pass
        try:
            process.wait(timeout=30)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()
        process.stdout.close()


_STOPPED = "Build failed: the build process stopped (see the terminal)"


# The warm process -------------------------------------------------------------

# Values that cannot change once made, shared between builds as they are.
_IMMUTABLE = (str, bytes, int, float, bool, type(None), datetime.date, datetime.time)


def forget_logged_warnings() -> None:
    """Pelican says a warning once per process; after this, the next build says
    everything again, as a new `pelican` command does."""
    from pelican.log import LimitFilter

    LimitFilter._raised_messages.clear()
    LimitFilter._group_count.clear()


def fresh(value):
    """A copy of a reader's value that no later change to it can reach the
    kept one: immutable values as they are, containers copied deeply, any other
    object copied (its attributes: a Category's name and settings)."""
    if isinstance(value, _IMMUTABLE):
        return value
    if type(value) is list:
        return [fresh(item) for item in value]
    if type(value) is dict:
        return {key: fresh(item) for key, item in value.items()}
    if isinstance(value, tuple):
        if all(isinstance(item, _IMMUTABLE) for item in value):
            return value  # a Strong: text and positions
        return (
            type(value)(*map(fresh, value))
            if hasattr(value, "_fields")
            else tuple(map(fresh, value))
        )
    if isinstance(value, (set, frozenset)):
        return type(value)(fresh(item) for item in value)
    return copy.copy(value)


@dataclass
class Kept:
    """One file's read: what the reader gave, and the file it was read from."""

    status: tuple  # (size, modification time, change time, inode)
    digest: bytes  # sha256 of its bytes
    data: tuple  # (content, metadata) as the reader gave them
    # Whether `status` alone tells the file has not changed since: not when it
    # was changed within the clock's resolution of being read, as git's index
    # says "racy" (a second save in the same tick keeps size and times).
    settled: bool


# Only this long after its last change is a file's status trusted alone.
_RACY_NS = 2_000_000_000


def _status(path: str) -> tuple | None:
    try:
        found = os.stat(path)
    except OSError:
        return None
    return (found.st_size, found.st_mtime_ns, found.st_ctime_ns, found.st_ino)


def _settled(status: tuple, when_ns: int) -> bool:
    return max(status[1], status[2]) < when_ns - _RACY_NS


def _digest(path: str) -> bytes | None:
    try:
        with open(path, "rb") as handle:
            return hashlib.sha256(handle.read()).digest()
    except OSError:
        return None


def files_under(folder: str) -> dict[str, tuple]:
    """Every file under `folder` with its status: two of these tell which
    files changed in between."""
    found = {}
    for root, _, names in os.walk(folder):
        for name in names:
            path = os.path.join(root, name)
            status = _status(path)
            if status is not None:
                found[path] = status
    return found


# The cache's file (its folder and name) → source path → that file's read.
_MEMORY: dict[str, dict[str, Kept]] = {}


def _memory_readers():
    """Pelican's Readers with its content cache in this process's memory."""
    from pelican.readers import Readers

    class MemoryReaders(Readers):
        """Each file's read is reused while the file is the same (its size,
        times and inode, or else its sha256); Pelican's cache file is read
        only for the process's first build and written only by it."""

        def __init__(self, settings=None, cache_name=""):
            place = os.path.join(settings["CACHE_PATH"], cache_name)
            self._kept = _MEMORY.get(place)
            self._first = self._kept is None
            if self._first:
                self._kept = _MEMORY[place] = {}
            self._pending: dict[str, tuple] = {}
            super().__init__(settings, cache_name)

        # Pelican's cache file is opened through `_cache_open`; after the first
        # build the memory holds everything it could, so it is not opened.
        @property
        def _cache_open(self):
            return self._opener if self._first else _no_file

        @_cache_open.setter
        def _cache_open(self, opener):
            self._opener = opener

        def get_cached_data(self, filename, default=None):
            status = _status(filename)
            kept = self._kept.get(filename)
            if kept is not None and kept.status == status and kept.settled:
                return _copied(kept.data)
            # The file is described before it is read: a save after this is
            # seen by the next build.
            now = time.time_ns()
            digest = _digest(filename)
            if status is None or digest is None:
                return default
            if kept is not None and kept.digest == digest:
                kept.status, kept.settled = status, _settled(status, now)
                return _copied(kept.data)
            # The earliest description counts: the file may be read (prepared
            # on another core) before the reader asks again.
            self._pending.setdefault(filename, (status, digest, _settled(status, now)))
            if self._first:
                data = super().get_cached_data(filename, None)
                if data is not None:
                    self._keep(filename, data)
                    return _copied(data)
            return default

        def cache_data(self, filename, data):
            if filename in self._pending:
                self._keep(filename, data)
            if self._first:
                super().cache_data(filename, data)

        def _keep(self, filename, data) -> None:
            status, digest, settled = self._pending.pop(filename)
            self._kept[filename] = Kept(status, digest, _copied(data), settled)

        def save_cache(self):
            if self._first:
                super().save_cache()

    return MemoryReaders


def _no_file(*args, **kwargs):
    raise OSError("kept in memory")


def _copied(data: tuple) -> tuple:
    content, metadata = data
    return content, fresh(metadata)


def build_failure(error: Exception) -> str:
    """What `invoke build` says when a build stops."""
    from rassegna.errors import BuildError

    if isinstance(error, BuildError):
        return f"Build failed: {error}"
    reason = str(error)
    if isinstance(error, RuntimeError):  # Pelican's own, or its log stopping
        if reason == "Warning or error encountered":
            reason = "see the error above"
        return f"Build failed: {reason}"
    return "Build failed:\n" + "".join(traceback.format_exception(error)).rstrip()


class _Said(logging.Handler):
    """The warnings and errors of one build, for the failed build's page."""

    def __init__(self):
        super().__init__(logging.WARNING)
        self.lines: list[str] = []

    def emit(self, record):
        self.lines.append(f"{record.levelname:<8} {record.getMessage()}")


class WarmSite:
    """Builds the site again and again in this process (see the module's
    docstring for what is kept between builds and why it is sound)."""

    def __init__(self, settings_file: str, overrides: dict):
        import pelican.generators
        from rassegna.writer import DigestWriter

        self.settings_file = settings_file
        self.overrides = overrides
        pelican.generators.Readers = _memory_readers()
        DigestWriter.remembered = {}
        # As the last build that ended found them: every file under the
        # content folder with its status, before it read any (None when it
        # failed), and each article's read.
        self.before: dict[str, tuple] | None = None
        # Whether the last build left the search index to a newer one.
        self.index_left = False
        self.reads: dict[str, Kept] = {}

    def preview(self) -> str | None:
        """Write, before the build, the page of the one article edited since the
        last build began, when the edit leaves its metadata and its mention
        names as they were: the page then reads nothing else that changed, and
        the build that follows writes it the same. The page's name, or None
        (another kind of edit, which only the build shows)."""
        from pelican.contents import Article
        from pelican.generators import Readers
        from pelican.plugins import signals
        from pelican.utils import sanitised_join
        from rassegna.reader import STRONGS_KEY, WARNINGS_KEY
        from rassegna.receivers import relink, sanitize_other_readers
        from rassegna.writer import DigestWriter

        writer, before = DigestWriter.latest, self.before
        if writer is None or before is None:
            return None
        settings = writer.settings
        now = files_under(settings["PATH"])
        changed = [path for path in now.keys() | before.keys()
                   if now.get(path) != before.get(path)]  # fmt: skip
        job = writer.article_page(changed[0]) if len(changed) == 1 else None
        if job is None or "rassegna" not in job.context:
            return None
        last = self.reads.get(changed[0])
        if last is None:
            return None
        readers = Readers(settings, _ARTICLE_READS)
        # Other plugins hear of no content object the build does not make;
        # the digest's own receiver still sanitizes what its reader did not.
        with signals.content_object_init.muted():
            edited = readers.read_file(
                base_path=settings["PATH"],
                path=os.path.relpath(changed[0], settings["PATH"]),
                content_class=Article,
                context=job.context,
            )
        sanitize_other_readers(edited)
        read = readers._kept.get(changed[0])

        def fields(kept: Kept) -> dict:
            return {
                key: value
                for key, value in kept.data[1].items()
                if key not in (STRONGS_KEY, WARNINGS_KEY)
            }

        if read is None or read.digest == last.digest or fields(read) != fields(last):
            return None
        if not relink(job.get("article"), edited, job.context["rassegna"]):
            return None
        job.context["localsiteurl"] = job.get("localsiteurl")
        try:
            text = job.template.render(job.local())
        finally:
            _forget_rendered()
        path = sanitised_join(writer.output_path, job.name)
        with open(path, "w", encoding="utf-8") as page:
            page.write(text)
        return job.name

    def build(
        self, pages_written=None, newer=None, shown=(), on_shown=None
    ) -> tuple[bool | None, str]:
        """One build as `invoke build` makes it: (whether it succeeded, what
        went wrong), or (None, "") when it gave way to a newer request.
        The pages named in `shown` (a browser shows them) are rendered as soon
        as Pelican asks for them, and `on_shown(name, path)` is called once one
        that changed is written.
        `pages_written()` is called once every page is written, before the
        search index, which reads them all, is made. `newer()` says whether a
        newer request waits: the build then stops (see `Superseded`), and the
        last build's pages, reads and objects stay the ones a preview starts
        from; once its pages are written, it leaves the search index to the
        newer build (`index_left`)."""
        from pelican import Pelican, signals
        from pelican.settings import read_settings
        from rassegna.search import index_site
        from rassegna.writer import DigestWriter, output_settled

        def settled(pelican):
            pages_written()
            return index_site(pelican, index_gives_way)

        def index_gives_way():
            self.index_left = self.index_left or (newer is not None and newer())
            return self.index_left

        def give_way(*args, **kwargs):
            if newer is not None and newer() and alone:
                raise Superseded

        self.index_left = False
        forget_logged_warnings()
        said = _Said()
        logging.getLogger().addHandler(said)
        last = DigestWriter.latest, self.before
        self.before = None
        for signal in _GIVING_WAY:
            getattr(signals, signal).connect(give_way)
        DigestWriter.shown_first, DigestWriter.on_shown = frozenset(shown), on_shown
        DigestWriter.between_pages = give_way
        try:
            settings = read_settings(self.settings_file, override=self.overrides)
            before = files_under(settings["PATH"])
            pelican = Pelican(settings)
            alone = _only_ours(signals)
            if pages_written is not None:
                # The plugin connects the index on every Pelican's start.
                output_settled.disconnect(index_site)
                output_settled.connect(settled)
            pelican.run()
        except Superseded:
            DigestWriter.latest, self.before = last
            print("A newer save: this build gave way", flush=True)
            return None, ""
        except Exception as error:
            DigestWriter.latest = None
            return False, "\n".join([*said.lines, build_failure(error)])
        finally:
            DigestWriter.shown_first, DigestWriter.on_shown = frozenset(), None
            DigestWriter.between_pages = None
            logging.getLogger().removeHandler(said)
            output_settled.disconnect(settled)
            for signal in _GIVING_WAY:
                getattr(signals, signal).disconnect(give_way)
            _forget_rendered()
        self.before = before
        reads = _MEMORY.get(os.path.join(settings["CACHE_PATH"], _ARTICLE_READS), {})
        self.reads = dict(reads)
        return True, ""


def _only_ours(signals) -> bool:
    """Whether every receiver of Pelican's signals is the digest's or this
    module's. Another plugin may keep state from a build's start to its
    `finalized` (pelican-sitemap keeps which Pelican it writes for), which a
    build that stops in between would leave stale: with one, no build gives
    way."""
    for signal in vars(signals).values():
        for receiver in getattr(signal, "receivers", {}).values():
            if isinstance(receiver, weakref.ref):
                receiver = receiver()
            module = getattr(receiver, "__module__", None) or ""
            if receiver is not None and not module.startswith(_OURS):
                return False
    return True


_OURS = ("rassegna.", "curator.", "__main__")


class Superseded(BaseException):
    """A newer save waits: the build stops at a Pelican signal sent before it
    writes anything to the output folder, or between two pages the writer is
    asked for or renders, which leaves a manifest that has the next build
    render every page this one may have written
    (DigestWriter._leave_unfinished). Not an Exception, which Pelican catches
    and logs per file."""


# Where a build may give way before the writer: each content object made, each
# generator's end; static files are copied, and pages written, only after the
# last of these.
_GIVING_WAY = (
    "content_object_init",
    "article_generator_pretaxonomy",
    "article_generator_finalized",
    "page_generator_finalized",
    "static_generator_finalized",
    "all_generators_finalized",
)
_ARTICLE_READS = "ArticlesGenerator-Readers"


def _forget_rendered() -> None:
    """Pelican memoizes every content object's rendered HTML for the life of
    the process (`memoized` on `get_content` and `get_summary`, by object and
    site URL), which would keep every build's objects alive; no later build
    asks for those objects, so their entries are dropped after each build."""
    from pelican.contents import Content

    for name in ("get_content", "get_summary"):
        cache = getattr(Content.__dict__.get(name), "cache", None)
        if cache is not None:
            cache.clear()


def serve(site: WarmSite, requests, reply) -> None:
    """Build on each "build" request and reply. A request may name, after
    "build ", the pages a browser shows, as a JSON list of output files. The
    replies: first, when a page could be shown before the rest of the build
    (the edited article's, before the build; else the first page a browser
    shows that the build changed, as soon as it is written), {"stage":
    "preview", "page"}; once the build's pages are written, {"stage": "pages",
    "changed"}: whether pages other than the one previewed changed (not sent
    when the build stops before); at the end, {"stage": "done", "ok",
    "message"}, and "superseded" when it gave way to a newer request,
    "index_left" when it left the search index to one. Stop at any other
    request or when requests end. Requests are read as they come, so a build
    knows when a newer one waits."""
    from rassegna.writer import DigestWriter

    waiting: queue.Queue = queue.Queue()

    def read() -> None:
        for request in requests:
            waiting.put(request)
        waiting.put(None)

    threading.Thread(target=read, daemon=True).start()
    while (shown := _build_request(waiting.get())) is not None:
        start = time.perf_counter()
        # The page previewed, and its text then.
        previewed: dict = {}

        def show(page: str, path: str, start=start, previewed=previewed) -> None:
            if previewed:
                return
            previewed[page] = _digest(path)
            seconds = time.perf_counter() - start
            print(f"Previewed {page} in {seconds:.2f} s", flush=True)
            reply({"stage": "preview", "page": page, "seconds": seconds})

        try:
            page = site.preview()
        except Exception:  # the build that follows says what is wrong
            page = None
        if page is not None:
            show(page, os.path.join(DigestWriter.latest.output_path, page))

        def pages_written(start=start, previewed=previewed):
            writer = DigestWriter.latest
            pages = {name for name in writer.rendered if name.endswith(".html")}
            changed = not previewed or bool(pages - set(previewed))
            if not changed:
                [(page, text)] = previewed.items()
                changed = _digest(os.path.join(writer.output_path, page)) != text
            reply({"stage": "pages", "changed": changed,
                   "seconds": time.perf_counter() - start})  # fmt: skip

        ok, message = site.build(
            pages_written, lambda: not waiting.empty(), shown, show
        )
        seconds = time.perf_counter() - start
        done = {"stage": "done", "ok": ok is not False, "message": message}
        if ok is None:
            done["superseded"] = True
        if site.index_left:
            done["index_left"] = True
            print("A newer save: the search index is left to its build", flush=True)
        reply({**done, "seconds": seconds})


def _build_request(request: str | None) -> list[str] | None:
    """The pages a browser shows, from a "build" request; None for any other."""
    if request == "build":
        return []
    if request is None or not request.startswith("build "):
        return None
    return json.loads(request[len("build ") :])


def main() -> None:
    from pelican.log import init as init_logging

    settings_file, overrides = sys.argv[1], json.loads(sys.argv[2])
    sys.path.insert(0, str(ROOT / "plugins"))
    # Replies go on the standard output this process started with; anything
    # else printed goes to standard error, the terminal.
    replies = os.fdopen(os.dup(1), "w", encoding="utf-8")
    os.dup2(2, 1)
    # Requests are read by a thread of their own, from a file that is not
    # sys.stdin: a worker forked while that thread waits on it would otherwise
    # hang, closing sys.stdin as multiprocessing does in its children.
    requests = os.fdopen(os.dup(0), "r", encoding="utf-8")
    sys.stdin = open(os.devnull, encoding="utf-8")  # noqa: SIM115 (for the process's life)

    def reply(message: dict) -> None:
        replies.write(json.dumps(message) + "\n")
        replies.flush()

    init_logging(level=logging.WARNING, fatal="errors", name="pelican")
    site = WarmSite(settings_file, overrides)
    serve(site, (line.strip() for line in requests), reply)


if __name__ == "__main__":
    main()
