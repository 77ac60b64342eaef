"""Pelican's writer, made incremental and parallel without changing what
Pelican's own `write_file` and `write_feed` decide.

While the generators run, Pelican's `write_file` does its usual work (pagination,
the local context: a shallow copy of the context taken now, as Pelican takes it)
but is handed a stand-in for the template, which keeps that local context
instead of rendering it. A feed keeps its arguments and a copy of the context.

`flush()` then decides, page by page: a page is kept when the site key
(signature.py: Pelican, Jinja, settings, templates, filters, plugin code) is
the last build's, its file is as the last build left it, and replaying the
reads recorded when it was last rendered (reads.py) gives the same digest.
Every other page is rendered, on every core, recording its reads for the next
build. Then, in this process, `content_written` and `feed_written` are sent once
for every file written or kept. At the end of the build (`finalized`), files the
last build produced and this one did not are removed (outputs.py).
"""

import gc
import hashlib
import io
import itertools
import logging
import multiprocessing
import operator
import os
import pickle
from pathlib import Path
from typing import NamedTuple

import blinker
from pelican.plugins import signals
from pelican.utils import sanitised_join
from pelican.writers import FileOverwriteFailedError, Writer

from . import outputs, reads
from .settings import read as read_settings
from .signature import site_key

logger = logging.getLogger(__name__)

# Sent at the end of every build, once the output folder holds exactly this
# build's files: for steps that read the finished site. A receiver returns the
# files it left as the last build made them (or nothing).
output_settled = blinker.signal("rassegna_output_settled")

MANIFEST = "rassegna-pages.pickle"
_FORMAT = 3
_PARALLEL_FROM = 16
_KEPT = "kept"  # a page replayed to its last digest, not rendered
_FEED_CONTEXT = ("SITEURL", "FEED_DOMAIN", "SITENAME", "SITESUBTITLE", "localsiteurl")


class Job(NamedTuple):
    """One file to write: a page (its template and local context) or a feed.

    The local context, as Pelican built it when the page was asked for, is
    kept as a copy of the shared context that many pages share (`base`) and
    what this page's has besides (`own`): a site of 30,000 pages would
    otherwise hold 30,000 copies of a context of a hundred names."""

    name: str
    template: object | None
    context: dict  # the shared context, whose localsiteurl content objects read
    base: dict
    own: dict
    feed: dict | None  # write_feed's arguments

    def local(self) -> dict:
        """The local context, the same names in the same order as Pelican's."""
        return {**self.base, **self.own}

    def get(self, name: str):
        """One name of the local context (None when it has none)."""
        return self.own[name] if name in self.own else self.base.get(name)


class SharedContext:
    """The copy of the shared context that pages' local contexts are told apart
    from. Pelican builds a local context as a copy of the shared one with the
    page's names added or set; while the shared context stays as it was, one
    copy serves every page, and a new one is taken when it has changed."""

    def __init__(self, renew_after: int = 32):
        # A base from which a page differs by more names than this is renewed.
        self._renew_after = renew_after
        self._base: dict = {}

    def split(self, context: dict, local: dict) -> tuple[dict, dict]:
        """`local` as (base, own), `{**base, **own}` equal to it name for name,
        value for value (by identity) and in the same order."""
        own = _own_names(local, self._base)
        if own is None or len(own) > self._renew_after:
            self._base = context.copy()
            own = _own_names(local, self._base)
        if own is None:  # not a copy of the shared context
            return {}, dict(local)
        return self._base, own


def _own_names(local: dict, base: dict) -> dict | None:
    """The names of `local` that `base` has not, or holds another value for;
    None unless `local`'s first names are `base`'s, in its order."""
    if len(local) < len(base) or not all(
        map(operator.is_, base, itertools.islice(local, len(base)))
    ):
        return None
    return {
        name: value
        for name, value in local.items()
        if name not in base or base[name] is not value
    }


class _StandIn:
    """Takes a template's place in Pelican's write_file: keeps the local context
    Pelican built, so the page is rendered later, if at all."""

    def __init__(self, writer, template, context):
        self.writer = writer
        self.template = template
        self.context = context

    def render(self, local):
        self.writer._pending = (self.template, self.context, local)
        return ""


class DigestWriter(Writer):
    """Collects the build's pages and feeds; renders those whose reads changed."""

    # A process that builds again and again (curator/warm.py) sets a dict here:
    # each build's manifest is kept in it, by file, and the next build takes it
    # from there instead of unpickling it, while the file is as it was written.
    remembered: dict | None = None
    # The last writer of such a process, whose collected pages let it show one
    # edited article's page before the next build (curator/warm.py's preview).
    latest: "DigestWriter | None" = None
    # The pages a browser shows, in such a process: each is rendered as soon as
    # Pelican asks for it, and `on_shown(name, path)` called once it is written
    # changed, so the browser shows it before the rest of the build is decided.
    shown_first: frozenset = frozenset()
    on_shown = None
    # Called in this process between the pages Pelican asks for and between
    # those it renders, in such a process: raises when a newer build waits, and
    # the build stops (`_leave_unfinished`).
    between_pages = None

    def __init__(self, output_path, settings=None):
        super().__init__(output_path, settings=settings)
        self._jobs: dict[str, Job] = {}
        self._shared = SharedContext()
        self._pending = None
        self._deferring = True
        # How _open_w opens: "collect" (Pelican's rules, then nothing written),
        # "direct" (a worker renders), "sink" (announcing a feed already written).
        self._opening = "collect"
        self._kept: set[str] = set()
        self._records: dict = {}
        # Records of the pages rendered as soon as asked for, as a manifest has
        # them, and which of them were written (the others were up to date).
        self._early: dict = {}
        self._written_early: set[str] = set()
        # The pages and feeds this build rendered (the others were kept).
        self.rendered: set[str] = set()
        self._context = None
        self._site = None
        self._manifest = Path(self.settings["CACHE_PATH"]) / MANIFEST
        self._last: dict | None = None
        self._before = outputs.scan(output_path)
        # Connected last, so it runs after other plugins' finalized receivers.
        signals.finalized.connect(self._finish)

    # Collecting -------------------------------------------------------------

    def write_file(self, name, template, context, *args, **kwargs):
        if not self._deferring:
            return super().write_file(name, template, context, *args, **kwargs)
        self._pause()
        self._context = context
        with signals.content_written.muted():
            super().write_file(
                name, _StandIn(self, template, context), context, *args, **kwargs
            )
        return None

    def write_feed(
        self,
        elements,
        context,
        path=None,
        url=None,
        feed_type="atom",
        override_output=False,
        feed_title=None,
    ):
        if not self._deferring or not path:
            return super().write_feed(
                elements, context, path, url, feed_type, override_output, feed_title
            )
        self._pause()
        self._context = context
        if self._claim(sanitised_join(self.output_path, path), override_output):
            feed = {
                "elements": list(elements),
                "path": path,
                "url": url,
                "feed_type": feed_type,
                "feed_title": feed_title,
            }
            base, own = self._shared.split(context, context)
            self._jobs[path] = Job(path, None, context, base, own, feed)
        return None

    def _open_w(self, filename, encoding, override=False):
        if self._opening == "direct":
            return open(filename, "w", encoding=encoding)
        if self._opening == "sink":
            return io.StringIO()
        pending, self._pending = self._pending, None
        if pending is None:
            return super()._open_w(filename, encoding, override)
        if self._claim(filename, override):
            template, context, local = pending
            name = local["output_file"]
            base, own = self._shared.split(context, local)
            self._jobs[name] = Job(name, template, context, base, own, None)
            if name in self.shown_first:
                self._render_early(self._jobs[name])
        return io.StringIO()

    def _claim(self, filename: str, override: bool) -> bool:
        """Pelican's rule for a file asked for twice: an error, unless exactly
        one of the writes overrides; that one is kept. Whether to keep this one."""
        if filename in self._overridden_files:
            if override:
                raise FileOverwriteFailedError(
                    f'Failed to overwrite "{filename}" a second time'
                    " (was previously overwritten)"
                )
            return False
        if filename in self._written_files and not override:
            raise FileOverwriteFailedError(
                f'Failed to overwrite "{filename}" as Pelican has already'
                " written to it previously (set `override=True` if intended)"
            )
        if override:
            self._overridden_files.add(filename)
        self._written_files.add(filename)
        return True

    def _pause(self) -> None:
        """Between two pages Pelican asks for: the build may stop here."""
        try:
            _between_pages()
        except BaseException:
            self._leave_unfinished()
            raise

    def _render_early(self, job: Job) -> None:
        """Render a page a browser shows now, with the context Pelican gave it,
        and write it if it changed. Another plugin may still change what it
        reads before `flush()`, which therefore replays its reads as it replays
        a kept page's, and renders it again if they changed; a failure is left
        to `flush()` to report."""
        reads.watch(job.template.environment)
        job.context["localsiteurl"] = job.get("localsiteurl")
        try:
            with reads.Recording() as record:
                text = job.template.render(job.local())
        except Exception:
            return
        path = sanitised_join(self.output_path, job.name)
        changed = _text_of(path) != text
        if changed:
            _write_page(path, text)
            self._written_early.add(job.name)
        if not record.unsure:
            shape, digest = reads.finish(record.root, {})
            status = os.stat(path)
            self._early[job.name] = (
                shape,
                _digest(job, digest),
                status.st_size,
                status.st_mtime_ns,
            )
        # Through the class: a function kept on it is not this writer's method.
        if changed and DigestWriter.on_shown is not None:
            DigestWriter.on_shown(job.name, path)

    def keep(self, name: str) -> None:
        """A file this build produced without writing it (it was up to date)."""
        self._kept.add(name)

    # Deciding and rendering ---------------------------------------------------

    def flush(self) -> None:
        """Render every collected page and feed whose reads changed; send
        content_written and feed_written for every one."""
        if not self._deferring:
            return
        self._deferring = False
        jobs = sorted(self._jobs.values(), key=lambda job: job.name)
        reads.reset()
        environments = {
            id(j.template.environment): j.template.environment
            for j in jobs
            if j.template
        }
        for environment in environments.values():
            reads.watch(environment)
        site = site_key(self.settings, list(environments.values()))
        previous = self._previous()
        same_site = site is not None and previous.get("site") == site
        last = previous.get("pages", {}) if same_site else {}
        if self._early:
            last = {**last, **self._early}
        processes = read_settings(self.settings).processes
        results = self._render_all(jobs, processes, last)
        # The workers' shapes made one object where equal (the kept records'
        # already are): a smaller manifest and fewer nodes to replay.
        shapes: dict = {}
        done: dict = {}
        for name, result in results.items():
            if result == _KEPT and name in self._early:
                # Rendered when asked for, and its reads still give that page.
                result = self._early[name][:2]
                if name in self._written_early:
                    self.rendered.add(name)
            elif result == _KEPT:
                self._records[name] = last[name]
                continue
            else:
                self.rendered.add(name)
            shape, digest = result
            path = sanitised_join(self.output_path, name)
            if shape is not None and os.path.isfile(path):
                status = os.stat(path)
                self._records[name] = (
                    reads.intern(shape, shapes, done),
                    digest,
                    status.st_size,
                    status.st_mtime_ns,
                )
            else:
                self._records.pop(name, None)
        self._site = site
        if self.remembered is not None:
            DigestWriter.latest = self
        self._announce(jobs)
        logger.info("Rendered %d of %d pages and feeds", len(self.rendered), len(jobs))

    def _render_all(self, jobs: list[Job], processes: int, last: dict) -> dict:
        """Replay and, where the reads changed, render `jobs` on `processes`
        cores: this process takes one share and forked workers the others (one
        fewer copy of the build in memory than a pool). What each page read
        comes back through a pipe: _KEPT, or the new (shape, digest).

        With a last build to replay against, each process takes a run of
        neighbouring names, so the objects a run reaches (articles, entities)
        are replayed in one process; on a first build, pages are dealt in turns,
        which evens out the rendering."""
        shares = [jobs]
        if processes > 1 and len(jobs) >= _PARALLEL_FROM:
            if last:
                size = -(-len(jobs) // processes)
                shares = [jobs[i : i + size] for i in range(0, len(jobs), size)]
            else:
                shares = [jobs[i::processes] for i in range(processes)]
        # Objects frozen before the fork are left alone by the workers' collector,
        # so fewer of the memory pages shared with them get copied.
        gc.freeze()
        context = multiprocessing.get_context("fork")
        pipes = [context.Pipe(duplex=False) for _ in shares[1:]]
        workers = [
            context.Process(target=self._render_share, args=(share, last, sender))
            for share, (_, sender) in zip(shares[1:], pipes, strict=True)
        ]
        results = {}
        failed = False
        try:
            for worker in workers:
                worker.start()
            for _, sender in pipes:
                sender.close()
            done, mine = self._render_each(shares[0], last)
            results.update(mine)
            failed = not done
            for receiver, _ in pipes:
                while not receiver.poll(0.1):
                    _between_pages()
                try:
                    done, theirs = receiver.recv()
                except EOFError:
                    done, theirs = False, {}
                results.update(theirs)
                failed = failed or not done
        except BaseException:
            for worker in workers:
                worker.kill()
            self._leave_unfinished()
            raise
        finally:
            for worker in workers:
                worker.join()
            gc.unfreeze()
        if failed or any(worker.exitcode != 0 for worker in workers):
            raise RuntimeError("Some pages could not be written: see the errors above")
        return results

    def _render_share(self, jobs: list[Job], last: dict, sender) -> None:
        """A worker process's part of the work, sent back with its reads. The
        process that forked it decides when to stop, and stops it."""
        DigestWriter.between_pages = None
        done, results = self._render_each(jobs, last)
        sender.send((done, results))
        sender.close()

    def _render_each(self, jobs: list[Job], last: dict) -> tuple[bool, dict]:
        """Keep each of `jobs` whose file is as the last build left it and whose
        recorded reads replay to the same digest; render the others, logging each
        that fails. Whether all went well, and for each page _KEPT or its new
        (shape, digest), (None, None) when unsure."""
        done = True
        results = {}
        shapes: dict = {}
        replay = reads.Replay()
        self._opening = "direct"
        try:
            for job in jobs:
                _between_pages()
                record = last.get(job.name)
                if (
                    record is not None
                    and _same_file(sanitised_join(self.output_path, job.name), record)
                    and _replay(job, replay, record[0]) == record[1]
                ):
                    results[job.name] = _KEPT
                    continue
                try:
                    shape, digest = self._render(job, shapes)
                except Exception as error:
                    logger.error("Could not write %s: %s", job.name, error)
                    done = False
                    continue
                results[job.name] = (shape, digest)
        finally:
            self._opening = "collect"
        return done, results

    def _render(self, job: Job, shapes: dict) -> tuple:
        # As in Pelican: content objects read the page's site URL from the
        # shared context while the page renders.
        job.context["localsiteurl"] = job.get("localsiteurl")
        with reads.Recording() as record:
            if job.feed is not None:
                feed = dict(job.feed)
                elements = reads.wrap(
                    feed.pop("elements"), record.root, (("r", "elements"),)
                )
                with signals.feed_written.muted():
                    Writer.write_feed(
                        self, elements, job.local(), override_output=True, **feed
                    )
            else:
                text = job.template.render(job.local())
                _write_page(sanitised_join(self.output_path, job.name), text)
        if record.unsure:
            return None, None
        shape, digest = reads.finish(record.root, shapes)
        return shape, _digest(job, digest)

    def _announce(self, jobs: list[Job]) -> None:
        """content_written and feed_written, once per file written or kept,
        here in the main process, with the file on disk."""
        announce_feeds = bool(signals.feed_written.receivers)
        for job in jobs:
            path = sanitised_join(self.output_path, job.name)
            if job.feed is None:
                signals.content_written.send(path, context=job.local())
            elif announce_feeds:
                # Pelican's write_feed builds the feed object and sends
                # feed_written; the file on disk is already this feed.
                job.context["localsiteurl"] = job.get("localsiteurl")
                feed = dict(job.feed)
                self._opening = "sink"
                try:
                    with signals.feed_generated.muted():
                        Writer.write_feed(
                            self, feed.pop("elements"), job.local(), **feed
                        )
                finally:
                    self._opening = "collect"

    # Finishing ------------------------------------------------------------------

    def _finish(self, pelican) -> None:
        """finalized: record this build, and remove what the last one produced
        and this one did not."""
        if pelican.settings is not self.settings:
            return
        signals.finalized.disconnect(self._finish)
        self.flush()
        previous = self._previous()
        known = set(self._jobs) | self._kept
        if self._context is not None:
            for static in self._context.get("staticfiles", []):
                # One Pelican did not copy again because it is up to date; a
                # file linked from content but missing is not produced at all.
                source = os.path.join(self.settings["PATH"], static.source_path)
                if os.path.isfile(source):
                    known.add(static.save_as)
        retention = self.settings.get("OUTPUT_RETENTION", ())
        produced = outputs.produced(self.output_path, self._before, known)
        stale = set(previous.get("produced", ())) - produced
        # Work on the finished folder (the search index) reads its pages: it sees
        # no stale page. What it writes counts as produced, and so do the files
        # its receivers return, which they kept as the last build left them;
        # then every other file the last build produced and this one did not goes.
        pages = {name for name in stale if name.endswith(".html")}
        outputs.remove_stale(self.output_path, pages, retention)
        for _, kept in output_settled.send(pelican):
            known.update(kept or ())
        produced = outputs.produced(self.output_path, self._before, known)
        stale = set(previous.get("produced", ())) - produced
        outputs.remove_stale(self.output_path, stale - pages, retention)
        self._save(
            {
                "format": _FORMAT,
                "site": self._site,
                "pages": self._records,
                "produced": sorted(produced),
            }
        )

    def _leave_unfinished(self) -> None:
        """The build stopped part way through its pages (a newer build waits,
        or rendering failed): the next build must trust no page this one may
        have written. The manifest keeps the last build's records, which a
        page written since no longer matches (its size or time moved), so it
        is rendered again; and every file written since this writer began
        counts as produced, so the next build removes the ones it does not
        make again."""
        previous = self._previous()
        produced = set(previous.get("produced", ()))
        touched = outputs.produced(self.output_path, self._before, set())
        if touched <= produced:
            return  # the last manifest says just that
        self._save(
            {
                "format": _FORMAT,
                "site": previous.get("site"),
                "pages": previous.get("pages", {}),
                "produced": sorted(produced | touched),
            }
        )

    def _save(self, manifest: dict) -> None:
        self._manifest.parent.mkdir(parents=True, exist_ok=True)
        self._manifest.write_bytes(pickle.dumps(manifest, pickle.HIGHEST_PROTOCOL))
        if self.remembered is not None:
            self.remembered[self._manifest] = (_stamp(self._manifest), manifest)

    def article_page(self, source_path: str) -> Job | None:
        """The page this build collected for the article read from `source_path`."""
        for job in self._jobs.values():
            shown = job.get("article") if job.template else None
            if getattr(shown, "source_path", None) == source_path:
                return job
        return None

    def _previous(self) -> dict:
        """The last build's manifest, from memory when it is kept there."""
        if self._last is None:
            kept = (self.remembered or {}).get(self._manifest)
            if kept is not None and kept[0] == _stamp(self._manifest):
                self._last = kept[1]
            else:
                self._last = _load(self._manifest)
        return self._last


def _between_pages() -> None:
    if DigestWriter.between_pages is not None:
        DigestWriter.between_pages()


def _digest(job: Job, reads_digest: bytes) -> bytes:
    """A page's reads with what it is besides them: its name, template and the
    site URL it is rendered for (a feed: its arguments and context values)."""
    if job.feed is not None:
        fixed = (
            job.name,
            tuple((k, v) for k, v in job.feed.items() if k != "elements"),
            tuple(repr(job.get(key)) for key in _FEED_CONTEXT),
        )
    else:
        fixed = (job.name, job.template.name, repr(job.get("localsiteurl")))
    return hashlib.blake2b(repr(fixed).encode() + reads_digest, digest_size=16).digest()


def _replay(job: Job, replay: reads.Replay, shape) -> bytes | None:
    job.context["localsiteurl"] = job.get("localsiteurl")
    if job.feed is not None:
        roots = {"elements": job.feed["elements"]}
    else:
        # As Jinja's new_context makes a template's parent: globals, then the page's.
        roots = {**job.template.globals, **job.base, **job.own}
    digest = replay.digest(roots, shape, job.get("localsiteurl"))
    return None if digest is None else _digest(job, digest)


def _load(manifest: Path) -> dict:
    try:
        loaded = pickle.loads(manifest.read_bytes())
    except (OSError, ValueError, pickle.PickleError, EOFError, AttributeError):
        return {}
    return loaded if loaded.get("format") == _FORMAT else {}


def _stamp(path: Path) -> tuple | None:
    try:
        status = path.stat()
    except OSError:
        return None
    return (status.st_size, status.st_mtime_ns, status.st_ctime_ns, status.st_ino)


def _write_page(path: str, text: str) -> None:
    try:
        handle = open(path, "w", encoding="utf-8")  # noqa: SIM115
    except FileNotFoundError:  # Pelican made the folder when asked
        os.makedirs(os.path.dirname(path), exist_ok=True)
        handle = open(path, "w", encoding="utf-8")  # noqa: SIM115
    with handle:
        handle.write(text)


def _text_of(path: str) -> str | None:
    try:
        with open(path, encoding="utf-8") as page:
            return page.read()
    except (OSError, UnicodeDecodeError):
        return None


def _same_file(path: str, record) -> bool:
    try:
        status = os.stat(path)
    except OSError:
        return False
    return (status.st_size, status.st_mtime_ns) == tuple(record[2:4])
