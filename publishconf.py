"""Settings for the published site: pelicanconf.py plus the public address."""

import os
import sys

sys.path.append(os.curdir)
from pelicanconf import *  # noqa: E402,F403

SITEURL = NEWSROOM["public_url"]  # noqa: F405
# What is published must be what was written: raw HTML that would be removed stops the build.
NEWSROOM = {**NEWSROOM, "strict_html": True}  # noqa: F405
RELATIVE_URLS = False
