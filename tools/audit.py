"""Lighthouse scores for a built site: serves the output folder on localhost
(text compressed, as static hosts send it) and audits the home page, the newest
article, the entity and the country with the most articles, the search page and
the countries index with its map, in Debian's Chromium.

    python tools/audit.py [OUTPUT] [--details]

Lighthouse comes from npm, pinned in tools/package.json and package-lock.json;
it is installed with `npm ci` the first time. Prints the four category scores
per page, and with --details every audit that scored below 1.
"""

import argparse
import functools
import gzip
import http.server
import json
import os
import subprocess
import sys
import threading
from pathlib import Path

TOOLS = Path(__file__).resolve().parent
LIGHTHOUSE = TOOLS / "node_modules" / "lighthouse" / "cli" / "index.js"
CHROMIUM = "/usr/bin/chromium"
CATEGORIES = ("performance", "accessibility", "best-practices", "seo")


# What a static host such as GitHub Pages sends compressed.
COMPRESSED = (".html", ".css", ".js", ".json", ".svg", ".xml", ".txt")


class QuietHandler(http.server.SimpleHTTPRequestHandler):
    """The output folder served as a static host serves it: text compressed
    with gzip when the browser accepts it (Python's own server never
    compresses, so Lighthouse would time pages no reader ever downloads)."""

    def log_message(self, format, *args):
        pass

    def do_GET(self):
        path = Path(self.translate_path(self.path))
        if path.is_dir() and self.path.split("?")[0].endswith("/"):
            path = path / "index.html"
        accepts = self.headers.get("Accept-Encoding", "")
        if not (path.suffix in COMPRESSED and path.is_file() and "gzip" in accepts):
            return super().do_GET()  # also a folder's redirect to its "/" address
        body = gzip.compress(path.read_bytes(), mtime=0)
        self.send_response(200)
        self.send_header("Content-Type", self.guess_type(str(path)))
        self.send_header("Content-Encoding", "gzip")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)
        return None


def pages(output: Path) -> list[tuple[str, str]]:
    """(label, root-relative URL) of the pages to audit, chosen from entities.json
    so that any content works."""
    data = json.loads((output / "entities.json").read_text(encoding="utf-8"))
    chosen = [("home", "")]
    articles = [a for topic in data["topics"] for a in topic["articles"]]
    if articles:
        newest = max(articles, key=lambda a: (a["date"], a["url"]))
        chosen.append(("article", newest["url"]))
    for label, key in (("entity", "entities"), ("country", "countries")):
        if data[key]:
            busiest = max(data[key], key=lambda e: (len(e["articles"]), e["url"]))
            chosen.append((label, busiest["url"]))
    if (output / "cerca" / "index.html").is_file():
        chosen.append(("search", "cerca/"))
    if (output / "paesi" / "index.html").is_file():
        chosen.append(("map", "paesi/"))
    return chosen


def lighthouse(url: str) -> dict:
    """Lighthouse's JSON report of one page (mobile, simulated throttling)."""
    command = [
        "node",
        str(LIGHTHOUSE),
        url,
        "--output=json",
        "--output-path=stdout",
        "--quiet",
        f"--only-categories={','.join(CATEGORIES)}",
        "--chrome-flags=--headless=new --no-sandbox --disable-gpu",
    ]
    environment = {**os.environ, "CHROME_PATH": CHROMIUM}
    result = subprocess.run(
        command, capture_output=True, text=True, env=environment, check=False
    )
    if result.returncode != 0:
        raise SystemExit(f"Lighthouse failed on {url}:\n{result.stderr[-2000:]}")
    return json.loads(result.stdout)


def below_one(report: dict) -> list[str]:
    """The audits that cost points: category, audit id, score and title."""
    found = []
    for name in CATEGORIES:
        for ref in report["categories"][name]["auditRefs"]:
            audit = report["audits"][ref["id"]]
            if ref["weight"] and audit["score"] is not None and audit["score"] < 1:
                found.append(f"{name}: {ref['id']} {audit['score']} {audit['title']}")
    return found


def ensure_lighthouse() -> None:
    if not LIGHTHOUSE.is_file():
        subprocess.run(["npm", "ci", "--no-audit", "--no-fund"], cwd=TOOLS, check=True)


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("output", nargs="?", default=str(TOOLS.parent / "output"))
    parser.add_argument("--details", action="store_true")
    options = parser.parse_args(argv)
    output = Path(options.output).resolve()
    ensure_lighthouse()
    handler = functools.partial(QuietHandler, directory=str(output))
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    root = f"http://127.0.0.1:{server.server_address[1]}/"
    worst = 1.0
    try:
        print(f"{'page':<10}" + "".join(f"{name:>16}" for name in CATEGORIES))
        for label, path in pages(output):
            report = lighthouse(root + path)
            scores = [report["categories"][name]["score"] for name in CATEGORIES]
            worst = min([worst, *(s or 0 for s in scores)])
            print(f"{label:<10}" + "".join(f"{s:>16.2f}" for s in scores), flush=True)
            if options.details:
                for line in below_one(report):
                    print(f"    {line}")
    finally:
        server.shutdown()
    return 0 if worst == 1.0 else 1


if __name__ == "__main__":
    sys.exit(main())
