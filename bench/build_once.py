"""One timed build, run by bench/run.py in a fresh process: prints seconds and
peak memory as JSON.

    python bench/build_once.py rassegna|plain|plain-cached CONTENT OUTPUT CACHE
"""

import json
import logging
import resource
import sys
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


def settings_for(kind: str, content: str, output: str, cache: str) -> dict:
    paths = {"PATH": content, "OUTPUT_PATH": output, "CACHE_PATH": cache}
    if kind == "plain":
        return read_settings(None, override={**PLAIN, **paths})
    if kind == "plain-cached":
        cached = {"CACHE_CONTENT": True, "LOAD_CONTENT_CACHE": True}
        return read_settings(None, override={**PLAIN, **cached, **paths})
    return read_settings(str(ROOT / "pelicanconf.py"), override=paths)


def main() -> None:
    kind, content, output, cache = sys.argv[1:5]
    init_logging(level=logging.WARNING, name="pelican")
    settings = settings_for(kind, content, output, cache)
    start = time.perf_counter()
    Pelican(settings).run()
    seconds = time.perf_counter() - start
    own = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    workers = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024
    print(json.dumps({"seconds": seconds, "peak_mb": own, "worker_peak_mb": workers}))


if __name__ == "__main__":
    main()
