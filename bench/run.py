"""Benchmark: Rassegna against plain Pelican on the same synthetic corpus, in one
invocation, runs alternating, each build in a fresh process.

    .venv/bin/python bench/run.py          # 2,000 and 8,000 articles, 3 rounds
    .venv/bin/python bench/run.py --articles 500 --rounds 1

For each size it prints the median cold build of each, their ratio, peak memory,
and the median one-article edit rebuild of each against its own cold build.
"""

import argparse
import json
import shutil
import statistics
import subprocess
import sys
import tempfile
from pathlib import Path

from corpus import write_corpus

HERE = Path(__file__).resolve().parent


def build(kind: str, content: Path, work: Path, fresh: bool) -> dict:
    """One build in its own process; `fresh` starts from no output and no cache."""
    output, cache = work / f"{kind}-out", work / f"{kind}-cache"
    if fresh:
        shutil.rmtree(output, ignore_errors=True)
        shutil.rmtree(cache, ignore_errors=True)
    command = [sys.executable, str(HERE / "build_once.py"), kind, str(content)]
    result = subprocess.run(
        [*command, str(output), str(cache)],
        capture_output=True,
        text=True,
        check=True,
    )
    return json.loads(result.stdout.strip().splitlines()[-1])


def edit_once(content: Path, round_number: int) -> None:
    """Change one article in the middle of the corpus, differently in every round."""
    articles = sorted((content / "notizie").glob("*.md"))
    path = articles[len(articles) // 2]
    text = path.read_text(encoding="utf-8")
    path.write_text(text.replace("\n\n", f"\n\nRevisione {round_number}. ", 1), "utf-8")


def median(runs: list[dict], key: str = "seconds") -> float:
    return statistics.median(run[key] for run in runs)


def bench_size(count: int, rounds: int, work: Path) -> float:
    corpora = {"rassegna": work / "corpus", "plain": work / "corpus-tags"}
    write_corpus(count, corpora["rassegna"], tags=False)
    write_corpus(count, corpora["plain"], tags=True)
    cold = {"rassegna": [], "plain": []}
    for _ in range(rounds):
        for kind in ("plain", "rassegna"):
            cold[kind].append(build(kind, corpora[kind], work, fresh=True))
    # Plain Pelican rebuilds with its own content cache on, primed by one build.
    build("plain-cached", corpora["plain"], work, fresh=True)
    edits = {"plain-cached": [], "rassegna": []}
    for round_number in range(rounds):
        for kind in edits:
            corpus = corpora["plain" if kind == "plain-cached" else kind]
            edit_once(corpus, round_number)
            edits[kind].append(build(kind, corpus, work, fresh=False))

    plain, ours = median(cold["plain"]), median(cold["rassegna"])
    print(f"\n{count} articles, {rounds} round(s), medians")
    print(f"  cold build      plain Pelican {plain:7.2f} s   Rassegna {ours:7.2f} s")
    print(f"  ratio           Rassegna / plain Pelican = {ours / plain:.2f}x")
    plain_edit, our_edit = median(edits["plain-cached"]), median(edits["rassegna"])
    print(
        f"  one-article edit rebuild   plain {plain_edit:6.2f} s"
        f"   Rassegna {our_edit:6.2f} s"
    )
    print(
        f"  edit rebuild / own cold build   plain {plain_edit / plain:.2f}"
        f"   Rassegna {our_edit / ours:.2f}"
    )
    for kind in ("plain", "rassegna"):
        peak = max(run["peak_mb"] for run in cold[kind])
        workers = max(run["worker_peak_mb"] for run in cold[kind])
        tree = max(run["tree_pss_mb"] for run in cold[kind])
        print(
            f"  peak memory     {kind:9} main {peak:6.0f} MB"
            f"   largest worker {workers:6.0f} MB   whole tree (PSS) {tree:6.0f} MB"
        )
    return ours


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--articles", type=int, nargs="+", default=[2000, 8000])
    parser.add_argument("--rounds", type=int, default=3)
    args = parser.parse_args()
    colds = {}
    for count in args.articles:
        with tempfile.TemporaryDirectory(prefix="rassegna-bench-") as folder:
            colds[count] = bench_size(count, args.rounds, Path(folder))
    if len(colds) > 1:
        (small, small_time), *_, (large, large_time) = sorted(colds.items())
        print(
            f"\nGrowth: {large} vs {small} articles took {large_time / small_time:.2f}x"
            f" for {large / small:.1f}x the articles"
        )


if __name__ == "__main__":
    main()
