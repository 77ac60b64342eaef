"""Curator tasks: build, livereload, publish and gh-pages.

Every task runs Pelican with the Python that runs invoke, so `.venv/bin/invoke`
needs no activated virtual environment.
"""

import logging
import shlex
import sys
from pathlib import Path

from invoke import Exit, task

ROOT = Path(__file__).resolve().parent
sys.path.insert(0, str(ROOT / "plugins"))
CONTENT = ROOT / "content"
OUTPUT = ROOT / "output"


def _pelican(settings_file: str) -> None:
    """Build with Pelican in this process. An error Pelican or the plugin reports
    (an unreadable file, a bad registry) stops the task with its message and a
    non-zero exit, without a traceback."""
    from pelican import Pelican
    from pelican.log import init as init_logging
    from pelican.settings import read_settings
    from rassegna.registry import RegistryError

    init_logging(level=logging.WARNING, fatal="errors", name="pelican")
    settings = read_settings(
        str(ROOT / settings_file),
        override={"PATH": str(CONTENT), "OUTPUT_PATH": str(OUTPUT)},
    )
    try:
        Pelican(settings).run()
    except RegistryError as error:
        raise Exit(f"Build failed: {error}", code=1) from None
    except RuntimeError as error:  # raised by Pelican's log once an error is shown
        raise Exit(f"Build failed ({error}): see the message above.", code=1) from None


@task
def build(c):
    """Build the site into output/ with the local settings."""
    _pelican("pelicanconf.py")


@task
def publish(c):
    """Build the site into output/ with the publishing settings."""
    _pelican("publishconf.py")


@task
def livereload(c, port=8000):
    """Build, serve on http://localhost:PORT and rebuild and reload the browser
    whenever content, theme, plugin or settings change."""
    from livereload import Server

    def rebuild():
        # A fresh process per build, so edits to the plugin take effect too; a
        # failed build leaves its message on the console and the server running.
        c.run(shlex.join([sys.executable, "-m", "invoke", "build"]), warn=True)

    rebuild()
    server = Server()
    for watched in ("content", "theme", "plugins", "pelicanconf.py"):
        server.watch(str(ROOT / watched), rebuild)
    server.serve(root=str(OUTPUT), port=int(port), host="localhost")


@task(pre=[publish])
def gh_pages(c, remote="origin", branch="gh-pages"):
    """Publish output/ to the gh-pages branch with ghp-import and push it."""
    options = ["-n", "-p", "-f", "-r", remote, "-b", branch, "-m", "Publish site"]
    c.run(shlex.join([sys.executable, "-m", "ghp_import", *options, str(OUTPUT)]))
