"""Where a cold build's time goes, and the floor to compare it with.

    .venv/bin/python bench/phases.py                  # 2,000 articles
    .venv/bin/python bench/phases.py --articles 8000

One cold build of the benchmark corpus (bench/corpus.py) in one process
(RASSEGNA_PROCESSES = 1: every second of the build is spent where this script
sees it), with each part of the work timed by a wrapper around the function that
does it. A part's time leaves out the parts timed inside it (typogrify inside
reading a file, feeds inside rendering), so the parts add up to the build; what
no wrapper covers is Pelican's and the plugin's other work.

Beside it, the floor the issue asks to compare with: Python-Markdown alone,
converting the same files with the site's MARKDOWN settings, in one process;
and the start-up of a `pelican` command (interpreter and imports), timed as a
new process. A normal build reads and renders on every core, so its wall time
is shorter than this one's: compare the parts' shares, not their sum with the
wall times of bench/run.py.
"""

import argparse
import functools
import logging
import subprocess
import sys
import tempfile
import time
from collections import defaultdict
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
sys.path[:0] = [str(HERE), str(ROOT / "plugins")]

from corpus import write_corpus  # noqa: E402


class Clock:
    """Seconds spent in each part, the parts called inside it left out."""

    def __init__(self):
        self.spent: dict[str, float] = defaultdict(float)
        self._inner: list[float] = []

    def timing(self, part: str, function):
        @functools.wraps(function)
        def timed(*args, **kwargs):
            self._inner.append(0.0)
            start = time.perf_counter()
            try:
                return function(*args, **kwargs)
            finally:
                elapsed = time.perf_counter() - start
                inner = self._inner.pop()
                self.spent[part] += elapsed - inner
                if self._inner:
                    self._inner[-1] += elapsed

        return timed


def _parts():
    """(part, owner, attribute): the functions each part of the work runs in."""
    import jinja2
    import markdown
    from pelican.writers import Writer
    from rassegna import (
        gazetteer,
        groups,
        mentions,
        pages,
        reader,
        reads,
        receivers,
        related,
        resolve,
        sanitize,
        search,
        writer,
    )

    return [
        ("reading a file (the rest)", reader.DigestMarkdownReader, "read"),
        ("reading a file (the rest)", reader, "prepare"),
        ("Markdown", markdown.Markdown, "convert"),
        ("typogrify", reader, "typogrify_text"),
        ("sanitizing (nh3)", sanitize.Sanitizer, "content"),
        ("sanitizing (nh3)", sanitize.Sanitizer, "title"),
        ("finding bold mentions", mentions, "scan"),
        ("place, country and given-name indexes", gazetteer, "_places_by_name"),
        ("place, country and given-name indexes", gazetteer, "_regions_by_name"),
        ("place, country and given-name indexes", gazetteer, "_countries_by_name"),
        ("place, country and given-name indexes", gazetteer, "country_names"),
        ("place, country and given-name indexes", gazetteer, "_given_names"),
        ("resolving entities", resolve, "resolve"),
        ("linking mentions", mentions, "link_strongs"),
        ("country and topic groups", groups, "build"),
        ("related articles", related, "rank_remembered"),
        ("checking links and files", receivers, "check_site"),
        (
            "rendering pages (the rest: replay, files)",
            writer.DigestWriter,
            "_render_each",
        ),
        ("templates (reads recorded)", jinja2.Template, "render"),
        ("recorded reads to records", reads, "finish"),
        ("feeds", Writer, "write_feed"),
        (
            "entities.json and the digest's pages",
            pages.DigestPagesGenerator,
            "_write_digest",
        ),
        ("search index (Pagefind)", search, "index_site"),
        ("manifest and stale files", writer.DigestWriter, "_finish"),
    ]


def _patch(clock: Clock, parts) -> None:
    """Put each part's wrapper wherever its function is looked up: on its class,
    or in every loaded module of the plugin that holds it by name."""
    wrapped: dict[int, object] = {}
    for part, owner, attribute in parts:
        original = getattr(owner, attribute)
        wrapper = wrapped.setdefault(id(original), clock.timing(part, original))
        if isinstance(owner, type):
            setattr(owner, attribute, wrapper)
            continue
        for name, module in list(sys.modules.items()):
            if name == "rassegna" or name.startswith("rassegna."):
                for key, value in list(vars(module).items()):
                    if value is original:
                        setattr(module, key, wrapper)


def profiled_build(content: Path, work: Path) -> tuple[float, Clock]:
    from pelican import Pelican
    from pelican.log import init as init_logging
    from pelican.settings import read_settings

    init_logging(level=logging.ERROR)
    clock = Clock()
    _patch(clock, _parts())
    overrides = {
        "PATH": str(content),
        "OUTPUT_PATH": str(work / "output"),
        "CACHE_PATH": str(work / "cache"),
        "RASSEGNA_PROCESSES": 1,
    }
    settings = read_settings(str(ROOT / "pelicanconf.py"), override=overrides)
    start = time.perf_counter()
    Pelican(settings).run()
    return time.perf_counter() - start, clock


def markdown_floor(content: Path) -> float:
    """Python-Markdown alone on every article, with the site's MARKDOWN settings."""
    from markdown import Markdown
    from pelican.settings import read_settings

    settings = read_settings(str(ROOT / "pelicanconf.py"))
    texts = [p.read_text("utf-8") for p in sorted(content.rglob("*.md"))]
    converter = Markdown(**settings["MARKDOWN"])
    start = time.perf_counter()
    for text in texts:
        converter.reset()
        converter.convert(text)
    return time.perf_counter() - start


def start_up() -> float:
    """A new process that imports what a `pelican` command with the plugin does."""
    code = "import pelican, pelican.generators, pelican.writers, rassegna"
    command = [sys.executable, "-c", code]
    start = time.perf_counter()
    subprocess.run(command, check=True, cwd=ROOT / "plugins")
    return time.perf_counter() - start


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--articles", type=int, default=2000)
    arguments = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="rassegna-phases-") as folder:
        work = Path(folder)
        content = work / "content"
        write_corpus(arguments.articles, content)
        floor = markdown_floor(content)
        started = start_up()
        seconds, clock = profiled_build(content, work)
    count = arguments.articles
    print(f"{count} articles, one cold build in one process: {seconds:.2f} s")
    print(f"  {'part':44s} {'seconds':>8s} {'share':>7s}")
    rest = seconds - sum(clock.spent.values())
    rows = sorted(clock.spent.items(), key=lambda row: -row[1])
    for part, spent in [*rows, ("Pelican and the plugin, the rest", rest)]:
        print(f"  {part:44s} {spent:8.2f} {spent / seconds:7.1%}")
    print(
        f"Floor: Python-Markdown alone on the same {count} files, one process:"
        f" {floor:.2f} s (the build is {seconds / floor:.1f}x)"
    )
    print(
        f"Start-up of a new process importing Pelican and the plugin: {started:.2f} s"
    )


if __name__ == "__main__":
    main()
