"""Settings for publishing to GitHub Pages: absolute URLs under the real address."""

import os
import sys

sys.path.append(os.path.dirname(os.path.abspath(__file__)))
from pelicanconf import *  # noqa: F403

SITEURL = os.environ.get("RASSEGNA_SITEURL", "https://rassegna.github.io")
RELATIVE_URLS = False
# A publication starts from an empty output folder.
DELETE_OUTPUT_DIRECTORY = True
