"""Same content, same bytes: two builds agree on the sha256 of every file."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

from helpers import ROOT, SAMPLE_CONTENT, SETTINGS, rebuild_digest

PLUGINS_DIR = ROOT / "tests" / "plugins"


def build_in_process_of_its_own(content: Path, output: Path, hash_seed: str, listing_order: str) -> None:
    """The `pelican` command with its own hash seed (set and dict order) and folder listing order."""
    command = [
        str(Path(sys.executable).with_name("pelican")), str(content), "-s", str(SETTINGS), "-o", str(output),
        "-e", "PLUGINS=" + json.dumps(["newsroom", "reorder_listing"]), "PLUGIN_PATHS=" + json.dumps([str(PLUGINS_DIR)]),
    ]
    env = {**os.environ, "PYTHONHASHSEED": hash_seed, "LISTING_ORDER": listing_order}
    result = subprocess.run(command, cwd=ROOT, env=env, capture_output=True, text=True)
    assert result.returncode == 0, result.stdout + result.stderr


def test_two_builds_of_the_sample_content_are_byte_identical(tmp_path):
    first, second = tmp_path / "erster", tmp_path / "zweiter"
    shutil.copytree(SAMPLE_CONTENT, first / "content")
    shutil.copytree(SAMPLE_CONTENT, second / "content")

    build_in_process_of_its_own(first / "content", first / "output", hash_seed="1", listing_order="forward")
    build_in_process_of_its_own(second / "content", second / "output", hash_seed="2", listing_order="reverse")

    # Every file, the search index's filter chunks and meta files among them.
    one, two = rebuild_digest(first / "output"), rebuild_digest(second / "output")
    assert len(one) > 30 and any(path.startswith("pagefind/") and path.endswith(".pf_filter") for path in one)
    assert sorted(one) == sorted(two)
    assert [path for path in one if one[path] != two[path]] == []
