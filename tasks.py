"""Curator tasks: build, livereload, publish and gh-pages.

Every task runs Pelican with the Python that runs invoke, so `.venv/bin/invoke`
needs no activated virtual environment.
"""

import shlex
import sys
from pathlib import Path

from invoke import task

ROOT = Path(__file__).parent
CONTENT = ROOT / "content"
OUTPUT = ROOT / "output"


def _pelican(c, settings_file: str, *extra: str) -> None:
    """Run Pelican; any error it reports (an unreadable file, a bad registry)
    stops the task with a non-zero exit."""
    command = [sys.executable, "-m", "pelican", str(CONTENT), "-o", str(OUTPUT)]
    command += ["-s", str(ROOT / settings_file), "--fatal", "errors", *extra]
    c.run(shlex.join(command), pty=False)


@task
def build(c):
    """Build the site into output/ with the local settings."""
    _pelican(c, "pelicanconf.py")


@task
def publish(c):
    """Build the site into output/ with the publishing settings."""
    _pelican(c, "publishconf.py")


@task
def livereload(c, port=8000):
    """Build, serve on http://localhost:PORT and rebuild and reload the browser
    whenever content, theme, plugin or settings change."""
    from livereload import Server

    def rebuild():
        try:
            build(c)
        except Exception as error:  # keep serving; the message is on the console
            print(f"Build failed: {error}", file=sys.stderr)

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
