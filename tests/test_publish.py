"""Publishing as a curator runs it: `invoke publish` refuses a made-up address
and never writes a draft."""

import os
import subprocess
import sys
from pathlib import Path

import pytest
from conftest import project_copy, tree

INVOKE = str(Path(sys.executable).parent / "invoke")
DRAFT = """Title: Embargo fino a lunedì
Date: 2026-01-05 10:00
Category: Esteri
Status: draft

Testo sotto embargo su **Mosca**: SEGRETO-DI-REDAZIONE.
"""


def publish(project: Path, siteurl: str | None) -> subprocess.CompletedProcess:
    env = {k: v for k, v in os.environ.items() if k != "RASSEGNA_SITEURL"}
    if siteurl is not None:
        env["RASSEGNA_SITEURL"] = siteurl
    return subprocess.run(
        [INVOKE, "publish"], cwd=project, env=env, capture_output=True, text=True
    )


@pytest.mark.parametrize("siteurl", [None, "", "http://example.org", "example.org"])
def test_publish_refuses_an_address_that_is_not_https(tmp_path, siteurl):
    project = project_copy(tmp_path)
    result = publish(project, siteurl)
    assert result.returncode != 0
    assert "set it to the site's https:// address" in result.stderr
    assert not (project / "output").exists()


def test_a_publication_carries_no_draft_and_only_absolute_links(tmp_path):
    project = project_copy(tmp_path)
    (project / "content" / "notizie" / "bozza.md").write_text(DRAFT, "utf-8")
    result = publish(project, "https://redazione.example.org/rassegna/")
    assert result.returncode == 0, result.stderr
    files = tree(project / "output")
    assert "index.html" in files
    assert not any(name.startswith("drafts/") for name in files)
    assert not [n for n, data in files.items() if b"SEGRETO-DI-REDAZIONE" in data]
    assert not [n for n, data in files.items() if b"Embargo fino" in data]
    home = files["index.html"].decode()
    assert 'href="https://redazione.example.org/rassegna/' in home
    assert "localhost" not in home
