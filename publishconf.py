"""Settings for publishing to GitHub Pages: absolute URLs under the real address."""

import os
import sys

sys.path.append(os.curdir)
from pelicanconf import *  # noqa: F403

SITEURL = os.environ.get("RASSEGNA_SITEURL", "https://rassegna.github.io")
RELATIVE_URLS = False
