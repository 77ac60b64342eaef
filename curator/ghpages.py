"""Pushing output/ to a gh-pages branch without touching the project's checkout.

ghp-import commits into a local branch of the repository it runs in; run in the
project, it would create or move the project's own gh-pages branch. Here it runs
in a throwaway repository that has only the remote's gh-pages history, so the
project's working tree, index, branches and HEAD stay exactly as they were, and
the push is an ordinary fast-forward (no force): a CNAME the remote has is kept
unless the curator names another."""

import os
import subprocess
import sys
import tempfile
from pathlib import Path


class PublishError(RuntimeError):
    """Git or ghp-import failed; the message says which command and why."""


def _git(*args, cwd: Path, check=True) -> subprocess.CompletedProcess:
    result = subprocess.run(
        ["git", *args], cwd=cwd, capture_output=True, text=True, check=False
    )
    if check and result.returncode:
        raise PublishError(f"git {' '.join(args)}: {result.stderr.strip()}")
    return result


def remote_url(project: Path, remote: str) -> str:
    result = _git("remote", "get-url", remote, cwd=project, check=False)
    if result.returncode:
        raise PublishError(f"no git remote named {remote!r} in {project}")
    url = result.stdout.strip()
    local = project / url
    # A remote given as a relative path is relative to the project, not to the
    # scratch repository the push is made from.
    return str(local.resolve()) if "://" not in url and local.exists() else url


def choose_cname(project: Path, environ=os.environ) -> str | None:
    """RASSEGNA_CNAME, else content/extra/CNAME, else none."""
    if environ.get("RASSEGNA_CNAME", "").strip():
        return environ["RASSEGNA_CNAME"].strip()
    extra = project / "content" / "extra" / "CNAME"
    if extra.is_file():
        return extra.read_text(encoding="utf-8").strip() or None
    return None


def push_site(
    project: Path, output: Path, remote: str, branch: str, cname: str | None
) -> tuple[str, str | None]:
    """Commit `output` on top of the remote's `branch` and push it there.
    Returns the remote's address and the CNAME written (the remote's own one
    when none was chosen)."""
    url = remote_url(project, remote)
    if not (output / "index.html").is_file():
        raise PublishError(f"{output} has no index.html: build before publishing")
    with tempfile.TemporaryDirectory(prefix="rassegna-gh-pages-") as scratch:
        work = Path(scratch)
        _git("init", "-q", cwd=work)
        _git("remote", "add", "origin", url, cwd=work)
        refspec = f"+refs/heads/{branch}:refs/remotes/origin/{branch}"
        fetched = _git("fetch", "-q", "origin", refspec, cwd=work, check=False)
        if fetched.returncode == 0 and cname is None:
            kept = _git("show", f"origin/{branch}:CNAME", cwd=work, check=False)
            cname = (kept.stdout.strip() or None) if kept.returncode == 0 else None
        for key, fallback in (
            ("user.name", "Rassegna"),
            ("user.email", "rassegna@localhost"),
        ):
            if not _git("config", key, cwd=work, check=False).stdout.strip():
                _git("config", key, fallback, cwd=work)
        command = [sys.executable, "-m", "ghp_import", "-n", "-p", "-r", "origin"]
        command += ["-b", branch, "-m", "Publish site"]
        command += ["-c", cname] if cname else []
        result = subprocess.run(
            [*command, str(output)], cwd=work, capture_output=True, text=True,
            check=False,
        )  # fmt: skip
        if result.returncode:
            raise PublishError(
                f"ghp-import: {(result.stderr or result.stdout).strip()}"
            )
    return url, cname
