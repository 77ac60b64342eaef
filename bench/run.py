"""Benchmark: Rassegna against plain Pelican on the same synthetic corpus, in one
invocation, runs alternating, each build in a fresh process.

    .venv/bin/python bench/run.py          # 2,000 and 8,000 articles, 3 rounds
    .venv/bin/python bench/run.py --articles 500 --rounds 1
    .venv/bin/python bench/run.py --articles 2000 --baseline main

For each size it prints the median cold build of each, their ratio, peak memory,
and the median one-article edit rebuild of each against its own cold build. With
--baseline REV, Rassegna at git revision REV (checked out in a temporary worktree)
is a third contestant, built the same way in the same rounds, and the ratios of
this checkout to it are printed: on a shared, noisy machine a change is compared
with its baseline within one invocation.
"""

import argparse
import contextlib
import json
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
from pathlib import Path

from corpus import write_corpus

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent


def build(
    kind: str, content: Path, work: Path, fresh: bool, project: Path | None = None
) -> dict:
    """One build in its own process; `fresh` starts from no output and no cache.
    `project` builds Rassegna from another checkout (the baseline), in its own
    output and cache folders."""
    name = "baseline" if project else kind
    output, cache = work / f"{name}-out", work / f"{name}-cache"
    if fresh:
        shutil.rmtree(output, ignore_errors=True)
        shutil.rmtree(cache, ignore_errors=True)
    command = [sys.executable, str(HERE / "build_once.py"), kind, str(content)]
    command += [str(output), str(cache), *([str(project)] if project else [])]
    result = subprocess.run(command, capture_output=True, text=True, check=True)
    return json.loads(result.stdout.strip().splitlines()[-1])


def edit_once(content: Path, round_number: int) -> None:
    """Change one article in the middle of the corpus, differently in every round."""
    articles = sorted((content / "notizie").glob("*.md"))
    path = articles[len(articles) // 2]
    text = path.read_text(encoding="utf-8")
    path.write_text(text.replace("\n\n", f"\n\nRevisione {round_number}. ", 1), "utf-8")


def median(runs: list[dict], key: str = "seconds") -> float:
    return statistics.median(run[key] for run in runs)


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


def bench_size(
    count: int, rounds: int, work: Path, baseline: Path | None, label: str
) -> float:
    corpora = {"rassegna": work / "corpus", "plain": work / "corpus-tags"}
    write_corpus(count, corpora["rassegna"], tags=False)
    write_corpus(count, corpora["plain"], tags=True)
    ours = ["rassegna", "baseline"] if baseline else ["rassegna"]

    def run(kind: str, fresh: bool) -> dict:
        if kind == "baseline":
            return build("rassegna", corpora["rassegna"], work, fresh, baseline)
        corpus = corpora["plain" if kind.startswith("plain") else kind]
        return build(kind, corpus, work, fresh)

    cold = {kind: [] for kind in ("plain", *ours)}
    for round_number in range(rounds):
        # This checkout and the baseline swap places every round, so neither is
        # always the one that runs right after the other.
        order = ours if round_number % 2 == 0 else ours[::-1]
        for kind in ("plain", *order):
            cold[kind].append(run(kind, fresh=True))
    # Plain Pelican rebuilds with its own content cache on, primed by one build.
    build("plain-cached", corpora["plain"], work, fresh=True)
    edits = {kind: [] for kind in ("plain-cached", *ours)}
    for round_number in range(rounds):
        edit_once(corpora["plain"], round_number)
        edits["plain-cached"].append(run("plain-cached", fresh=False))
        # One edit for both Rassegnas: each rebuilds after its own previous build.
        edit_once(corpora["rassegna"], round_number)
        order = ours if round_number % 2 == 0 else ours[::-1]
        for kind in order:
            edits[kind].append(run(kind, fresh=False))

    plain, mine = median(cold["plain"]), median(cold["rassegna"])
    print(f"\n{count} articles, {rounds} round(s), medians")
    print(f"  cold build      plain Pelican {plain:7.2f} s   Rassegna {mine:7.2f} s")
    print(f"  ratio           Rassegna / plain Pelican = {mine / plain:.2f}x")
    plain_edit, my_edit = median(edits["plain-cached"]), median(edits["rassegna"])
    print(
        f"  one-article edit rebuild   plain {plain_edit:6.2f} s"
        f"   Rassegna {my_edit:6.2f} s"
    )
    print(
        f"  edit rebuild / own cold build   plain {plain_edit / plain:.2f}"
        f"   Rassegna {my_edit / mine:.2f}"
    )
    for kind in ("plain", *ours):
        peak = max(run["peak_mb"] for run in cold[kind])
        workers = max(run["worker_peak_mb"] for run in cold[kind])
        tree = max(run["tree_pss_mb"] for run in cold[kind])
        print(
            f"  peak memory     {kind:9} main {peak:6.0f} MB"
            f"   largest worker {workers:6.0f} MB   whole tree (PSS) {tree:6.0f} MB"
        )
    if baseline:
        base, base_edit = median(cold["baseline"]), median(edits["baseline"])
        print(f"  Rassegna at {label}")
        print(
            f"    cold build                {base:7.2f} s"
            f"   this checkout ÷ baseline = {mine / base:.2f}x"
        )
        print(
            f"    one-article edit rebuild  {base_edit:7.2f} s"
            f"   this checkout ÷ baseline = {my_edit / base_edit:.2f}x"
        )
    return mine


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--articles", type=int, nargs="+", default=[2000, 8000])
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
    args = parser.parse_args()
    if args.without_search:
        os.environ["RASSEGNA_BENCH_WITHOUT_SEARCH"] = "1"  # read by build_once.py
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
        for count in args.articles:
            work = Path(folder) / f"n{count}"
            work.mkdir()
            colds[count] = bench_size(count, args.rounds, work, baseline, label)
            shutil.rmtree(work)
    if len(colds) > 1:
        (small, small_time), *_, (large, large_time) = sorted(colds.items())
        print(
            f"\nGrowth: {large} vs {small} articles took {large_time / small_time:.2f}x"
            f" for {large / small:.1f}x the articles"
        )


if __name__ == "__main__":
    main()
