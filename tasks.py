"""Curator tasks: build, livereload, publish and gh-pages.

Every task runs Pelican with the Python that runs invoke, so `.venv/bin/invoke`
needs no activated virtual environment.
"""

import html
import logging
import shlex
import sys
from pathlib import Path

from invoke import Exit, task

ROOT = Path(__file__).resolve().parent
sys.path.insert(0, str(ROOT / "plugins"))
CONTENT = ROOT / "content"
OUTPUT = ROOT / "output"


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


def _build_site(settings_file: str) -> None:
    run_build(ROOT / settings_file, PATH=str(CONTENT), OUTPUT_PATH=str(OUTPUT))


@task
def build(c):
    """Build the site into output/ with the local settings."""
    _build_site("pelicanconf.py")


@task
def publish(c):
    """Build the site into output/ with the publishing settings."""
    _build_site("publishconf.py")


@task
def livereload(c, port=8000):
    """Build, serve on http://localhost:PORT and rebuild and reload the browser
    whenever content, theme, plugin or settings change; while the last build
    failed, every page shows its message instead."""
    from livereload.handlers import LiveReloadHandler

    # livereload skips a reload within 3 s of the last one; after a rebuild the
    # page must always show it, and a rebuild takes long enough to avoid storms.
    LiveReloadHandler.DEFAULT_RELOAD_TIME = 0
    server, status = _preview_server()

    def rebuild():
        # A fresh process per build, so edits to the plugin take effect too; a
        # failed build leaves the server running and its message on every page.
        # Wide log lines, so that no file name is cut short on the page.
        build = shlex.join([sys.executable, "-m", "invoke", "build"])
        result = c.run(build, warn=True, env={"COLUMNS": "400"})
        status["error"] = "" if result.ok else (result.stdout + result.stderr).strip()

    rebuild()
    for watched in ("content", "theme", "plugins", "pelicanconf.py"):
        server.watch(str(ROOT / watched), rebuild, ignore=_is_bytecode)
    # restart_delay=0: no reload of open pages when the server starts.
    server.serve(root=str(OUTPUT), port=int(port), host="localhost", restart_delay=0)


def _preview_server():
    """livereload's server whose pages, while the last build failed, show the
    build's message: the curator sees the error where they are looking, and the
    next good build's reload brings the page back."""
    from livereload.server import Server, StaticFileHandler

    status = {"error": ""}

    class PreviewFileHandler(StaticFileHandler):
        def get(self, path, include_body=True):
            if status["error"] and (not path or path.endswith(("/", ".html"))):
                self.set_status(500)
                self.set_header("Content-Type", "text/html; charset=utf-8")
                return self.finish(_failed_build_page(status["error"]))
            return super().get(path, include_body)

    server = Server()
    server.SFH = PreviewFileHandler
    return server, status


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


@task(pre=[publish])
def gh_pages(c, remote="origin", branch="gh-pages"):
    """Publish output/ to the gh-pages branch with ghp-import and push it."""
    options = ["-n", "-p", "-f", "-r", remote, "-b", branch, "-m", "Publish site"]
    c.run(shlex.join([sys.executable, "-m", "ghp_import", *options, str(OUTPUT)]))


@task(pre=[build])
def audit(c, details=False):
    """Build, serve output/ locally and print Lighthouse's four scores for the
    main kinds of page (tools/audit.py; Debian's Chromium, Lighthouse from npm)."""
    options = ["--details"] if details else []
    command = [sys.executable, str(ROOT / "tools" / "audit.py"), *options]
    if c.run(shlex.join(command), warn=True).exited:
        raise Exit("Some scores are below 1.00 (--details says why)", code=1)
