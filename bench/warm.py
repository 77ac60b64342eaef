"""Live preview's rebuild in the warm process (curator/warm.py) against a cold
build, on the synthetic corpus of bench/corpus.py, in one invocation.

    .venv/bin/python bench/warm.py                      # 2,000 articles
    .venv/bin/python bench/warm.py --articles 8000 --without-search

Prints, in seconds: the cold build as a curator waits for it (a new process,
no output or cache: interpreter, imports and build), the one-article edit
rebuilt by a new process (what `invoke livereload` did on every save before
the warm process), the warm process's first build, then, in the warm process,
the time from a saved edit to its pages written (when the browser reloads) and
to the build's end (the search index written): a body edit (median of
--edits saves, each a different change to one article), a new article, and a
registry edit.
"""

import argparse
import statistics
import sys
import tempfile
import time
from pathlib import Path

from corpus import write_corpus

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
sys.path.insert(0, str(ROOT))

from curator.warm import WarmProcess  # noqa: E402


def new_process_build(content: Path, output: Path, cache: Path, search: bool) -> float:
    """Wall time of a build in a new process, start-up and imports included:
    a build process started for one build, as `invoke build` is."""
    overrides = {"PATH": str(content), "OUTPUT_PATH": str(output)}
    overrides["CACHE_PATH"] = str(cache)
    if not search:
        overrides["RASSEGNA_SEARCH_BUNDLE"] = None
    start = time.perf_counter()
    once = WarmProcess(ROOT / "pelicanconf.py", overrides)
    try:
        message = once.build() or once.settle()
    finally:
        once.stop()
    if message:
        raise SystemExit(message)
    return time.perf_counter() - start


def timed(warm: WarmProcess) -> tuple[float, float]:
    """Seconds from now (just after a save) to the pages written, when the
    browser reloads, and to the build's end, its search index written."""
    start = time.perf_counter()
    message = warm.build()
    pages = time.perf_counter() - start
    message = message or warm.settle()
    if message:
        raise SystemExit(message)
    return pages, time.perf_counter() - start


def shown(what: str, runs: list[tuple[float, float]]) -> str:
    pages = statistics.median(run[0] for run in runs)
    end = statistics.median(run[1] for run in runs)
    return f"  {what:<38} {pages:7.2f} {end:10.2f}"


def save(path: Path, text: str) -> None:
    """Save in one step, as editors do."""
    temporary = path.with_suffix(".tmp")
    temporary.write_text(text, encoding="utf-8")
    temporary.replace(path)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--articles", type=int, default=2000)
    parser.add_argument("--edits", type=int, default=10)
    parser.add_argument("--without-search", action="store_true")
    args = parser.parse_args()
    search = not args.without_search
    with tempfile.TemporaryDirectory(prefix="rassegna-warm-") as folder:
        work = Path(folder)
        content = work / "corpus"
        write_corpus(args.articles, content)
        cold_folders = (work / "cold-out", work / "cold-cache")
        cold = new_process_build(content, *cold_folders, search)
        # What livereload did before: a new process for a one-article edit.
        articles = sorted((content / "notizie").glob("*.md"))
        edited = articles[len(articles) // 2]
        text = edited.read_text(encoding="utf-8")
        save(edited, text.replace("\n\n", "\n\nUna revisione. ", 1))
        fresh_edit = new_process_build(content, *cold_folders, search)
        overrides = {
            "PATH": str(content),
            "OUTPUT_PATH": str(work / "warm-out"),
            "CACHE_PATH": str(work / "warm-cache"),
        }
        if not search:
            overrides["RASSEGNA_SEARCH_BUNDLE"] = None
        warm = WarmProcess(ROOT / "pelicanconf.py", overrides)
        try:
            first = timed(warm)
            bodies = []
            for number in range(args.edits):
                text = edited.read_text(encoding="utf-8")
                save(edited, text.replace("\n\n", f"\n\nRevisione {number}. ", 1))
                bodies.append(timed(warm))
            new = content / "notizie" / "99999-nuovo.md"
            save(
                new,
                "Title: Nuovo articolo\nDate: 2030-01-01 10:00\nCategory: Esteri\n\n"
                "Arriva **Mario Rossi** a **Mosca** con la **NATO**.\n",
            )
            added = timed(warm)
            registry = content / "entities.yml"
            save(registry, "Mosca:\n  kind: place\n  country: RU\n  description: X.\n")
            registered = timed(warm)
        finally:
            warm.stop()
    index = "with search index" if search else "without search index"
    print(f"\n{args.articles} articles, {index}, seconds")
    print(f"  {'':<38} {'to pages':>7} {'to the end':>10}")
    print(f"  {'cold build, new process':<38} {'':7} {cold:10.2f}")
    print(f"  {'one-article edit, new process':<38} {'':7} {fresh_edit:10.2f}")
    print(shown("warm process, first build", [first]))
    print(shown(f"warm: body edit, median of {len(bodies)}", bodies))
    low, high = min(b[0] for b in bodies), max(b[0] for b in bodies)
    print(f"  {'   (to pages: min, max)':<38} {low:7.2f} {high:7.2f}")
    print(shown("warm: new article", [added]))
    print(shown("warm: registry edit", [registered]))


if __name__ == "__main__":
    main()
