"""What a reader's search finds first, for comparing two builds of one site (for
example its index in parts, as the preview makes it, and in one, as published).

    .venv/bin/python bench/search_rank.py OUTPUT [OUTPUT ...] [--names N ...]

Serves each output folder on localhost, opens its search page in Debian's
Chromium (Playwright) with `?q=` for each name, and prints the first result's
address and Pagefind's count. Without --names, the names are the headings of
every 40th entity page of the first folder.
"""

import argparse
import functools
import http.server
import re
import threading
from pathlib import Path

from playwright.sync_api import sync_playwright

CHROMIUM = "/usr/bin/chromium"


class QuietHandler(http.server.SimpleHTTPRequestHandler):
    def log_message(self, format, *args):
        pass


def entity_names(output: Path, every: int = 40) -> list[str]:
    """The heading of every `every`-th entity page, in name order."""
    names = []
    pages = sorted((output / "entita").glob("*/index.html"))
    for page in pages[every // 2 :: every]:
        heading = re.search(r"<h1[^>]*>([^<]*)</h1>", page.read_text("utf-8"))
        if heading:
            names.append(heading.group(1))
    return names


def first_results(output: Path, names: list[str]) -> dict[str, tuple[str, str]]:
    """Each name → (the first result's address, Pagefind's message)."""
    handler = functools.partial(QuietHandler, directory=str(output))
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    address = f"http://127.0.0.1:{server.server_address[1]}/"
    found = {}
    try:
        with sync_playwright() as playwright:
            browser = playwright.chromium.launch(
                executable_path=CHROMIUM, args=["--no-sandbox"]
            )
            page = browser.new_page()
            for name in names:
                page.goto(f"{address}cerca/?q={name}")
                first = page.locator(".pagefind-ui__result-link").first
                first.wait_for(timeout=60_000)
                message = page.locator(".pagefind-ui__message").inner_text()
                found[name] = (first.get_attribute("href"), message)
            browser.close()
    finally:
        server.shutdown()
    return found


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("outputs", type=Path, nargs="+")
    parser.add_argument("--names", nargs="+")
    args = parser.parse_args()
    names = args.names or entity_names(args.outputs[0])
    results = [first_results(output, names) for output in args.outputs]
    same = 0
    for name in names:
        firsts = [result[name][0] for result in results]
        same += len(set(firsts)) == 1
        print(
            f"{name:24s}",
            "  ".join(f"{a} ({m})" for a, m in (r[name] for r in results)),
        )
    print(f"same first result in every folder: {same} of {len(names)}")


if __name__ == "__main__":
    main()
