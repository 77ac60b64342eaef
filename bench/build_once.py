"""One timed build, run by bench/run.py in a fresh process: prints seconds and
peak memory as JSON: the peak resident size of this process and of its largest
worker, and the peak proportional set size (PSS: shared pages divided among the
processes sharing them) of the whole process tree, sampled every 50 ms.

    python bench/build_once.py KIND CONTENT OUTPUT CACHE [PROJECT]

KIND is rassegna, plain or plain-cached. PROJECT is the checkout whose settings,
plugin and theme build "rassegna": this one by default; bench/run.py --baseline
passes a worktree of another revision.
"""

import json
import logging
import os
import resource
import sys
import threading
import time
from pathlib import Path

from pelican import Pelican
from pelican.log import init as init_logging
from pelican.settings import read_settings

ROOT = Path(__file__).resolve().parent.parent

# Plain Pelican as a newcomer runs it: default theme, tags from metadata, typogrify.
PLAIN = {
    "SITENAME": "Plain",
    "SITEURL": "http://localhost:8000",
    "TIMEZONE": "Europe/Rome",
    "DEFAULT_LANG": "it",
    "TYPOGRIFY": True,
    "RELATIVE_URLS": True,
}


def settings_for(
    kind: str, content: str, output: str, cache: str, project: Path = ROOT
) -> dict:
    paths = {"PATH": content, "OUTPUT_PATH": output, "CACHE_PATH": cache}
    if kind == "plain":
        return read_settings(None, override={**PLAIN, **paths})
    if kind == "plain-cached":
        cached = {"CACHE_CONTENT": True, "LOAD_CONTENT_CACHE": True}
        return read_settings(None, override={**PLAIN, **cached, **paths})
    # Pelican resolves PLUGIN_PATHS and THEME against the settings file's folder, so
    # the plugin and theme are the project's own.
    if os.environ.get("RASSEGNA_BENCH_WITHOUT_SEARCH"):
        paths["RASSEGNA_SEARCH_BUNDLE"] = None  # bench/run.py --without-search
    return read_settings(str(project / "pelicanconf.py"), override=paths)


class TreeMemory:
    """Samples the PSS of this process and its children on a thread (Linux)."""

    def __init__(self):
        self.peak_kb = 0
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
            self.peak_kb = max(self.peak_kb, sum(map(_pss_kb, _tree(os.getpid()))))


def _tree(pid: int) -> list[int]:
    try:
        children = Path(f"/proc/{pid}/task/{pid}/children").read_text().split()
    except OSError:
        return [pid]
    return [pid] + [p for child in children for p in _tree(int(child))]


def _pss_kb(pid: int) -> int:
    try:
        for line in Path(f"/proc/{pid}/smaps_rollup").read_text().splitlines():
            if line.startswith("Pss:"):
                return int(line.split()[1])
    except OSError:
        pass
    return 0


def main() -> None:
    kind, content, output, cache = sys.argv[1:5]
    project = Path(sys.argv[5]) if len(sys.argv) > 5 else ROOT
    init_logging(level=logging.WARNING, name="pelican")
    settings = settings_for(kind, content, output, cache, project)
    with TreeMemory() as memory:
        start = time.perf_counter()
        Pelican(settings).run()
        seconds = time.perf_counter() - start
    own = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    workers = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024
    tree = memory.peak_kb / 1024
    print(
        json.dumps(
            {
                "seconds": seconds,
                "peak_mb": own,
                "worker_peak_mb": workers,
                "tree_pss_mb": tree,
            }
        )
    )


if __name__ == "__main__":
    main()
