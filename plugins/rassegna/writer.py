"""Pelican's writer, made incremental and parallel: every page and feed is
described by its inputs; a page whose description matches the last build's and
whose file is still there is not rendered again, and the others are rendered on
every core.

What a page may show, for it to be skipped safely: settings, theme, the keyword
values Pelican or the plugin pass for it (an article and the plugin's data about
it, a paginated page's own articles, an entity, country or topic, an index's
list). A page whose values are of a kind this module does not know is always
rendered.
"""

import gc
import json
import logging
import multiprocessing
import os
from pathlib import Path
from typing import NamedTuple

from pelican.paginator import Paginator
from pelican.utils import get_relative_path, path_to_url, sanitised_join
from pelican.writers import FileOverwriteFailedError, Writer

from .settings import read as read_settings
from .signature import Describer, Unknown, digest, site_key

logger = logging.getLogger(__name__)

MANIFEST = "rassegna-pages.json"
_PARALLEL_FROM = 16


class Job(NamedTuple):
    """One file to write: a page (template and values) or a feed (arguments)."""

    name: str
    template: object
    context: dict
    values: dict
    relative_urls: bool
    feed: dict | None
    override: bool


class DigestWriter(Writer):
    """Collects the build's writes, then writes what changed, on every core."""

    def __init__(self, output_path, settings=None):
        super().__init__(output_path, settings=settings)
        self._jobs: dict[str, Job] = {}
        self._deferring = True
        self._manifest = Path(self.settings["CACHE_PATH"]) / MANIFEST

    def write_file(
        self,
        name,
        template,
        context,
        relative_urls=False,
        paginated=None,
        template_name=None,
        override_output=False,
        url=None,
        **kwargs,
    ):
        if not self._deferring or not name:
            return super().write_file(
                name,
                template,
                context,
                relative_urls,
                paginated,
                template_name,
                override_output,
                url,
                **kwargs,
            )
        if paginated is None:
            paginated = {k: v for k, v in kwargs.items() if k in ("articles", "dates")}
        per_page = self.settings["PAGINATED_TEMPLATES"].get(template_name, False)
        if not paginated or per_page is False:
            self._add(
                Job(
                    name,
                    template,
                    context,
                    kwargs,
                    relative_urls,
                    None,
                    override_output,
                )
            )
            return
        per_page = per_page or self.settings["DEFAULT_PAGINATION"]
        paginators = {
            key: Paginator(name, url, values, self.settings, per_page)
            for key, values in paginated.items()
        }
        pages = next(iter(paginators.values())).num_pages
        for number in range(1, pages + 1):
            values = {k: v for k, v in kwargs.items() if k not in paginators}
            for key, paginator in paginators.items():
                values[f"{key}_paginator"] = paginator
                values[f"{key}_page"] = paginator.page(number)
                values[f"{key}_previous_page"] = (
                    paginator.page(number - 1) if number > 1 else None
                )
                values[f"{key}_next_page"] = (
                    paginator.page(number + 1) if number < pages else None
                )
            save_as = values[f"{next(iter(paginators))}_page"].save_as
            # The full lists stay available to the template, as in Pelican.
            values.update(paginated)
            self._add(
                Job(
                    save_as,
                    template,
                    context,
                    values,
                    relative_urls,
                    None,
                    override_output,
                )
            )

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
        feed = {
            "elements": elements,
            "path": path,
            "url": url,
            "feed_type": feed_type,
            "feed_title": feed_title,
        }
        self._add(Job(path, None, context, {}, False, feed, override_output))
        return None

    def _add(self, job: Job) -> None:
        earlier = self._jobs.get(job.name)
        if earlier is not None and not job.override:
            if earlier.override:
                return
            raise FileOverwriteFailedError(
                f'Failed to overwrite "{job.name}": two pages of this build are'
                " written to it"
            )
        self._jobs[job.name] = job

    def _describe(self, job: Job, describer: Describer, site: str) -> str | None:
        try:
            if job.feed is not None:
                feed = job.feed
                items = describer.value(
                    feed["elements"][: self.settings["FEED_MAX_ITEMS"]]
                )
                parts = [
                    feed["path"],
                    feed["url"],
                    feed["feed_type"],
                    feed["feed_title"],
                    items,
                ]
            else:
                values = dict(job.values)
                if any(key.endswith("_page") for key in values):
                    # A paginated page shows its own page of the lists.
                    values.pop("articles", None)
                    values.pop("dates", None)
                values.pop("all_articles", None)
                parts = [
                    job.template.name,
                    sorted((k, describer.value(v)) for k, v in values.items()),
                ]
        except Unknown:
            return None
        return digest(site, job.name, job.relative_urls, parts)

    def flush(self) -> None:
        """Write every collected page and feed whose inputs changed; remove what
        the last build wrote and this one does not."""
        self._deferring = False
        jobs = sorted(self._jobs.values(), key=lambda job: job.name)
        if not jobs:
            return
        context = jobs[0].context
        describer = Describer(lambda: _url_map(context))
        site = site_key(self.settings, self.settings["THEME"])
        previous = _load(self._manifest)
        written = {}
        to_render = []
        for job in jobs:
            key = self._describe(job, describer, site)
            path = sanitised_join(self.output_path, job.name)
            if (
                key is not None
                and previous.get(job.name, [None])[0] == key
                and _same_file(path, previous[job.name])
            ):
                written[job.name] = previous[job.name]
                continue
            to_render.append((job, key))
        processes = read_settings(self.settings).processes
        self._render_all([job for job, _ in to_render], processes)
        for job, key in to_render:
            path = sanitised_join(self.output_path, job.name)
            if os.path.isfile(path):  # recorded even when unknown, to be removed later
                status = os.stat(path)
                written[job.name] = [key, status.st_size, status.st_mtime_ns]
        for name in sorted(set(previous) - {job.name for job in jobs}):
            _remove(self.output_path, name)
        self._manifest.parent.mkdir(parents=True, exist_ok=True)
        self._manifest.write_text(json.dumps(written, sort_keys=True))
        logger.info("Rendered %d of %d pages and feeds", len(to_render), len(jobs))

    def _render_all(self, jobs: list[Job], processes: int) -> None:
        """Render on `processes` cores: this process takes one share and forked
        workers the others (one fewer copy of the build in memory than a pool)."""
        shares = [jobs]
        if processes > 1 and len(jobs) >= _PARALLEL_FROM:
            shares = [jobs[i::processes] for i in range(processes)]
        # Objects frozen before the fork are left alone by the workers' collector,
        # so fewer of the memory pages shared with them get copied.
        gc.freeze()
        context = multiprocessing.get_context("fork")
        workers = [
            context.Process(target=self._render_share, args=(share,))
            for share in shares[1:]
        ]
        try:
            for worker in workers:
                worker.start()
            done = self._render_each(shares[0])
        finally:
            for worker in workers:
                worker.join()
            gc.unfreeze()
        if not done or any(worker.exitcode != 0 for worker in workers):
            raise RuntimeError("Some pages could not be written: see the errors above")

    def _render_each(self, jobs: list[Job]) -> bool:
        """Render `jobs`, logging each that fails; whether all went well."""
        done = True
        for job in jobs:
            try:
                self._render(job)
            except Exception as error:
                logger.error("Could not write %s: %s", job.name, error)
                done = False
        return done

    def _render_share(self, jobs: list[Job]) -> None:
        """A worker process's part of the rendering; its exit code says how it went."""
        if not self._render_each(jobs):
            raise SystemExit(1)

    def _render(self, job: Job) -> None:
        if job.feed is not None:
            Writer.write_feed(
                self, context=job.context, override_output=True, **job.feed
            )
            return
        local = job.context.copy()
        if job.relative_urls:
            relative = path_to_url(get_relative_path(job.name))
            local["SITEURL"] = relative
            local["localsiteurl"] = relative
            job.context["localsiteurl"] = relative
        local["output_file"] = job.name
        local.update(job.values)
        path = sanitised_join(self.output_path, job.name)
        os.makedirs(os.path.dirname(path), exist_ok=True)
        with open(path, "w", encoding="utf-8") as handle:
            handle.write(job.template.render(local))
        logger.info('Writing "%s"', path)


def _url_map(context: dict) -> list:
    """Where every piece of content is published: what `{filename}` links resolve to."""
    found = []
    for key in ("generated_content", "static_content"):
        for source, item in context.get(key, {}).items():
            found.append((key, source, getattr(item, "url", None)))
    return sorted(found, key=repr)


def _load(manifest: Path) -> dict:
    try:
        return json.loads(manifest.read_text())
    except (OSError, ValueError):
        return {}


def _same_file(path: str, record: list) -> bool:
    try:
        status = os.stat(path)
    except OSError:
        return False
    return [status.st_size, status.st_mtime_ns] == record[1:]


def _remove(output_path: str, name: str) -> None:
    """Delete a file the last build wrote, and the folders it leaves empty."""
    path = Path(sanitised_join(output_path, name))
    path.unlink(missing_ok=True)
    root = Path(output_path).resolve()
    folder = path.parent
    while folder.resolve() != root and folder.is_dir() and not any(folder.iterdir()):
        folder.rmdir()
        folder = folder.parent
