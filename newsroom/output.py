"""Last stage: build into a fresh directory beside the target and swap it in on success.

A build that fails (bad content, a crash, a kill) leaves the previous output
complete and untouched; a successful one never leaves stale files behind.
"""

from __future__ import annotations

import glob
import os
import shutil
import tempfile

STAGING_MARK = ".staging-"
RETIRED_MARK = ".retired-"
OUTPUT_MODE = 0o755


class StagedOutput:
    """Redirects Pelican's output into a staging directory for one build."""

    def __init__(self) -> None:
        self.target: str | None = None
        self.staging: str | None = None

    def start(self, pelican) -> None:
        self.target = os.path.abspath(pelican.output_path)
        parent, name = os.path.split(self.target)
        os.makedirs(parent, exist_ok=True)
        for leftover in glob.glob(os.path.join(parent, glob.escape(name) + STAGING_MARK + "*")):
            shutil.rmtree(leftover, ignore_errors=True)
        self.staging = tempfile.mkdtemp(prefix=name + STAGING_MARK, dir=parent)
        os.chmod(self.staging, OUTPUT_MODE)
        pelican.output_path = self.staging

    def abandon(self) -> None:
        """Drop the staging directory of a failed build."""
        if self.staging:
            shutil.rmtree(self.staging, ignore_errors=True)
        self.staging = None

    def publish(self, pelican) -> None:
        """Swap the finished staging directory in place of the target."""
        if not self.staging:
            return
        retired = None
        if os.path.lexists(self.target):
            retired = tempfile.mkdtemp(prefix=os.path.basename(self.target) + RETIRED_MARK, dir=os.path.dirname(self.target))
            os.rmdir(retired)
            os.rename(self.target, retired)
        os.rename(self.staging, self.target)
        pelican.output_path = self.target
        self.staging = None
        if retired:
            shutil.rmtree(retired, ignore_errors=True)


OUTPUT = StagedOutput()
