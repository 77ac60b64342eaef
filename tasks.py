"""Curator tasks: build, rebuild, serve, livereload, preview, publish, gh-pages,
new, import, entities and audit (the conventions of Pelican's quickstart).

Every task runs Pelican with the Python that runs invoke, so `.venv/bin/invoke`
needs no activated virtual environment.
"""

import contextlib
import html
import json
import logging
import os
import shlex
import shutil
import sys
from pathlib import Path
from urllib.parse import unquote, urlsplit

from invoke import Exit, task

ROOT = Path(__file__).resolve().parent
sys.path.insert(0, str(ROOT / "plugins"))
sys.path.insert(0, str(ROOT))
CONTENT = ROOT / "content"
OUTPUT = ROOT / "output"
CACHE = ROOT / "cache"
ARTICLES = CONTENT / "notizie"
PREVIEW_HOST, PREVIEW_PORT = "127.0.0.1", 8000


def run_build(settings_file: Path, **overrides) -> None:
    """Build with Pelican in this process, as every task does. Any error Pelican
    or the plugin reports (an unreadable file, a bad registry, two articles with
    one slug) stops the build: Exit is raised with the message and a non-zero
    code, and no traceback is shown."""
    from pelican import Pelican
    from pelican.log import FatalLogger
    from pelican.log import init as init_logging
    from pelican.settings import read_settings
    from rassegna.errors import BuildError

    previous = FatalLogger.fatal_lvl
    init_logging(level=logging.WARNING, fatal="errors", name="pelican")
    try:
        Pelican(read_settings(str(settings_file), override=overrides)).run()
    except BuildError as error:
        raise Exit(f"Build failed: {error}", code=1) from None
    except RuntimeError as error:  # Pelican's own, or its log stopping at an error
        reason = str(error)
        if reason == "Warning or error encountered":
            reason = "see the error above"
        raise Exit(f"Build failed: {reason}", code=1) from None
    finally:
        FatalLogger.fatal_lvl = previous


def _build_site(settings_file: str, **overrides) -> None:
    run_build(
        ROOT / settings_file, PATH=str(CONTENT), OUTPUT_PATH=str(OUTPUT), **overrides
    )


def _site_setting(name: str):
    from pelican.settings import read_settings

    return read_settings(str(ROOT / "pelicanconf.py"))[name]


def production_siteurl() -> str:
    """RASSEGNA_SITEURL, which publishing requires to be an https:// address: a
    site published under a wrong or local address has every link broken."""
    siteurl = os.environ.get("RASSEGNA_SITEURL", "").strip().rstrip("/")
    if not siteurl.startswith("https://") or len(siteurl) <= len("https://"):
        shown = repr(siteurl) if siteurl else "not set"
        raise Exit(
            f"RASSEGNA_SITEURL is {shown}: set it to the site's https:// address, "
            "e.g. RASSEGNA_SITEURL=https://USER.github.io/REPO invoke publish",
            code=2,
        )
    return siteurl


def _serve(port: int) -> None:
    from functools import partial
    from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer

    handler = partial(SimpleHTTPRequestHandler, directory=str(OUTPUT))
    with ThreadingHTTPServer((PREVIEW_HOST, int(port)), handler) as server:
        print(
            f"Serving output/ on http://{PREVIEW_HOST}:{port}/ (Ctrl-C stops)",
            flush=True,
        )
        with contextlib.suppress(KeyboardInterrupt):
            server.serve_forever()


def _refuse_option_as_value(value: str) -> None:
    """Invoke reads `invoke new --help` as the title "--help": say so, write nothing."""
    if value.startswith("--"):
        raise Exit(f"{value!r} is not a title or file; for help: invoke --help TASK")


@task
def build(c):
    """Build the site into output/ with the local settings."""
    _build_site("pelicanconf.py")


@task
def rebuild(c):
    """Empty output/ and cache/, then build from scratch."""
    for folder in (OUTPUT, CACHE):
        shutil.rmtree(folder, ignore_errors=True)
    _build_site("pelicanconf.py")


@task(help={"port": f"the port to serve on (default {PREVIEW_PORT})"})
def serve(c, port=PREVIEW_PORT):
    """Serve output/ as it is on http://127.0.0.1:PORT (no build)."""
    _serve(port)


@task(help={"port": f"the port to serve on (default {PREVIEW_PORT})"})
def preview(c, port=PREVIEW_PORT):
    """Build with the publishing settings and serve it on 127.0.0.1:PORT."""
    siteurl = f"http://{PREVIEW_HOST}:{port}"
    _build_site("publishconf.py", SITEURL=siteurl, FEED_DOMAIN=siteurl)
    _serve(port)


@task
def publish(c):
    """Build output/ with the publishing settings; needs RASSEGNA_SITEURL=https://…"""
    siteurl = production_siteurl()
    _build_site("publishconf.py", SITEURL=siteurl, FEED_DOMAIN=siteurl)


@task(
    help={
        "title": "the article's title, in quotes",
        "topic": "its topic, Pelican's Category (default Varie)",
    }
)
def new(c, title, topic="Varie"):
    """Start content/notizie/<today>-<slug>.md; never overwrites.

    Title, Date (now, in the site's TIMEZONE) and Category, and an empty body."""
    from curator.articles import ArticleExists, new_article, now_in

    _refuse_option_as_value(title)
    try:
        path = new_article(ARTICLES, title, topic, now_in(_site_setting("TIMEZONE")))
    except ArticleExists as error:
        raise Exit(str(error), code=1) from None
    print(path.relative_to(ROOT))


@task(
    name="import",
    help={
        "file": "the agency's raw text; - reads standard input",
        "topic": "the article's topic (default Varie)",
        "date": "YYYY-MM-DD or 'YYYY-MM-DD HH:MM' (default now)",
    },
)
def import_(c, file, topic="Varie", date=None):
    """Turn an agency's raw text (FILE, or - for stdin) into an article.

    The leading agency word becomes Source, unpunctuated short lines ##
    headings, the first sentence the Title, the first paragraph the Summary;
    an existing file is never overwritten."""
    from curator.articles import ArticleExists, import_article, now_in, parse_date

    _refuse_option_as_value(file)
    timezone = _site_setting("TIMEZONE")
    try:
        when = parse_date(date, timezone) if date else now_in(timezone)
        if file == "-":
            text = sys.stdin.read()
        else:
            text = Path(file).read_text(encoding="utf-8")
        path, draft = import_article(ARTICLES, text, topic, when)
    except ArticleExists as error:
        raise Exit(str(error), code=1) from None
    except (OSError, UnicodeDecodeError, ValueError) as error:
        raise Exit(f"{file}: {error}", code=1) from None
    print(f"Wrote {path.relative_to(ROOT)}")
    print(f"  Title:    {draft.title}")
    print(f"  Date:     {when:%Y-%m-%d %H:%M}")
    print(f"  Category: {topic}")
    print(f"  Source:   {draft.source or '(no agency word found)'}")
    print(f"  Summary:  {draft.summary}")
    print(f"  Headings: {', '.join(draft.headings) or '(none)'}")


@task
def livereload(c, port=8000):
    """Build, serve on http://localhost:PORT and rebuild and reload the browser
    whenever content, theme, plugin or settings change; while the last build
    failed, every page shows its message instead."""
    from livereload.handlers import LiveReloadHandler
    from tornado.ioloop import IOLoop

    from curator.warm import WarmProcess

    # livereload skips a reload within 3 s of the last one; after a rebuild the
    # page must always show it.
    LiveReloadHandler.DEFAULT_RELOAD_TIME = 0
    server, status = _preview_server()
    # One build process keeps the site in memory (curator/warm.py); a failed
    # build leaves the server running and its message on every page.
    warm = WarmProcess(
        ROOT / "pelicanconf.py", {"PATH": str(CONTENT), "OUTPUT_PATH": str(OUTPUT)}
    )

    def rebuild():
        status["error"] = warm.build(_shown_pages())
        if warm.stage == "preview":
            # A page is written before the rest (the edited article's, or one a
            # browser shows): the browser reloads now, and again once the build
            # wrote other pages (or failed).
            loop = IOLoop.current()
            loop.run_in_executor(None, follow, loop)

    def follow(loop):
        build, changed, error = warm.follow()

        def show():
            if build != warm.builds:  # a later save's build took over
                return
            status["error"] = error
            if changed or error:
                LiveReloadHandler.reload_waiters()

        loop.add_callback(show)

    def restart():
        # A new process, as a new `invoke build` would: Python code (plugins,
        # settings) is imported once per process, and the theme goes with them.
        print("Code, settings or theme changed: a new build process", flush=True)
        warm.restart()
        rebuild()

    rebuild()
    # The first build ends, search index and all, before the server starts.
    status["error"] = status["error"] or warm.settle()
    server.watch(str(CONTENT), rebuild, ignore=_is_bytecode)
    for watched in ("theme", "plugins", "pelicanconf.py"):
        server.watch(str(ROOT / watched), restart, ignore=_is_bytecode)
    try:
        # restart_delay=0: no reload of open pages when the server starts.
        server.serve(
            root=str(OUTPUT), port=int(port), host="localhost", restart_delay=0
        )
    finally:
        warm.stop()


def _preview_server():
    """livereload's server whose pages, while the last build failed, show the
    build's message: the curator sees the error where they are looking, and the
    next good build's reload brings the page back."""
    import livereload.server
    from livereload.server import Server, StaticFileHandler

    from curator.watching import NotifiedWatcher

    status = {"error": ""}

    class PreviewFileHandler(StaticFileHandler):
        def get(self, path, include_body=True):
            if status["error"] and (not path or path.endswith(("/", ".html"))):
                self.set_status(500)
                self.set_header("Content-Type", "text/html; charset=utf-8")
                return self.finish(_failed_build_page(status["error"]))
            return super().get(path, include_body)

    server = Server(watcher=NotifiedWatcher())
    server.SFH = PreviewFileHandler
    # livereload's server answers its socket with the class its module names.
    livereload.server.LiveReloadHandler = _shown_page_handler()
    return server, status


def _shown_page_handler():
    """livereload's socket handler, which also keeps the page its browser tab
    says it shows (livereload.js reports its address in its "info" message)."""
    from livereload.handlers import LiveReloadHandler

    class ShownPageHandler(LiveReloadHandler):
        page: str | None = None

        def on_message(self, message):
            super().on_message(message)
            said = json.loads(message)
            if said.get("command") == "info" and "url" in said:
                self.page = output_file(said["url"])

    return ShownPageHandler


def _shown_pages() -> set[str]:
    """The output files of the pages the open browser tabs show."""
    from livereload.handlers import LiveReloadHandler

    return {w.page for w in LiveReloadHandler.waiters if getattr(w, "page", None)}


def output_file(url: str) -> str | None:
    """The output file a preview address serves, if it is a page."""
    path = unquote(urlsplit(url).path).lstrip("/")
    if not path or path.endswith("/"):
        path += "index.html"
    return path if path.endswith(".html") else None


def _failed_build_page(message: str) -> str:
    """A page with the build's output; livereload adds its script before </head>."""
    text = "\n".join(line.rstrip() for line in message.splitlines())
    return (
        '<!DOCTYPE html><html lang="it"><head><meta charset="utf-8">'
        "<title>Build non riuscita</title></head><body>"
        '<main role="alert"><h1>Build non riuscita</h1>'
        "<p>Correggi il file indicato e salva: la pagina si aggiorna da sola.</p>"
        f'<pre style="white-space: pre-wrap">{html.escape(text)}</pre>'
        "</main></body></html>"
    )


def _is_bytecode(file_name: str) -> bool:
    return file_name.endswith(".pyc")


@task(
    pre=[publish],
    help={
        "remote": "the git remote to push to (default origin)",
        "branch": "the branch GitHub Pages serves (default gh-pages)",
    },
)
def gh_pages(c, remote="origin", branch="gh-pages"):
    """Publish, then push output/ to the gh-pages branch with ghp-import.

    Adds .nojekyll, and CNAME from RASSEGNA_CNAME or content/extra/CNAME (else
    keeps the remote's); no force push; the checkout is left as it was."""
    from curator.ghpages import PublishError, choose_cname, push_site

    try:
        url, cname = push_site(ROOT, OUTPUT, remote, branch, choose_cname(ROOT))
    except PublishError as error:
        raise Exit(f"gh-pages: {error}", code=1) from None
    print(f"Pushed output/ to {branch} of {remote} ({url})")
    print(f"  CNAME: {cname}" if cname else "  no CNAME")


@task(
    help={
        "format": "text (a table, the default) or json",
        "from": "an entities.json to read instead of output/entities.json",
    },
)
def entities(c, format="text", from_=None):
    """Report entities by kind, doubts, likely duplicates and unused registry entries.

    Reads the built output/entities.json and content/entities.yml; every
    suggestion comes with the YAML lines to paste into the registry."""
    import json

    from rassegna.errors import BuildError
    from rassegna.registry import load

    from curator.report import as_text, build_report

    if format not in ("text", "json"):
        raise Exit(f"--format {format!r}: expected text or json", code=2)
    source = Path(from_) if from_ else OUTPUT / "entities.json"
    try:
        data = json.loads(source.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise Exit(f"{source} not found: run invoke build first", code=1) from None
    except (OSError, UnicodeDecodeError, ValueError) as error:
        raise Exit(
            f"{source}: not a readable entities.json ({error})", code=1
        ) from None
    try:
        registry = load(str(CONTENT / _site_setting("ENTITY_REGISTRY")))
    except BuildError as error:
        raise Exit(str(error), code=1) from None
    report = build_report(data, registry)
    if format == "json":
        print(json.dumps(report.as_json(), ensure_ascii=False, indent=2))
    else:
        print(as_text(report))


@task(pre=[build])
def audit(c, details=False):
    """Build, serve locally and print Lighthouse's scores for the main pages.

    tools/audit.py; Debian's Chromium, Lighthouse from npm."""
    options = ["--details"] if details else []
    command = [sys.executable, str(ROOT / "tools" / "audit.py"), *options]
    if c.run(shlex.join(command), warn=True).exited:
        raise Exit("Some scores are below 1.00 (--details says why)", code=1)
