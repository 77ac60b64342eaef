"""The site's search index: Pagefind reads the finished output and writes its
bundle (index, WebAssembly and the default search UI) into it, so search works
from static files alone.

Which pages are indexed is said by the templates: Pagefind indexes only the
elements marked `data-pagefind-body` (published articles' text; the header of
entity, country and topic pages), so drafts, hidden articles, lists and indexes
never reach the index. Filters (`data-pagefind-filter`) and weights are set there
too. The language, hence Italian stemming, comes from `<html lang>`.
"""

import shutil
import subprocess
from pathlib import Path

from pagefind_bin import get_executable

from .errors import BuildError
from .settings import read as read_settings

# Pagefind writes this file into every bundle: a folder without it is not one.
_BUNDLE_MARK = "pagefind-entry.json"


def index_site(pelican) -> None:
    """finalized: index the built site, the last step of every build."""
    bundle = read_settings(pelican.settings).search_bundle
    if not bundle:
        return
    output = Path(pelican.settings["OUTPUT_PATH"])
    folder = output / bundle
    if folder.exists():
        if not (folder / _BUNDLE_MARK).is_file():
            raise BuildError(
                f"{folder} is not a search index Pagefind wrote, and the index"
                " would replace it: move it, or set RASSEGNA_SEARCH_BUNDLE to"
                " another folder"
            )
        # Pagefind adds its files next to the last build's; stale ones would stay.
        shutil.rmtree(folder)
    command = [
        str(get_executable()),
        "--site",
        str(output),
        "--output-subdir",
        bundle,
        "--silent",
    ]
    result = subprocess.run(command, capture_output=True, text=True, check=False)
    if result.returncode != 0:
        raise BuildError(
            f"the search index of {output} could not be built:"
            f" {(result.stderr or result.stdout).strip()}"
        )
