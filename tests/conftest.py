"""Fixtures shared by the test modules; the helpers they use are in ``helpers.py``."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from helpers import FIXTURE_SITE, SAMPLE_CONTENT, build


@pytest.fixture
def site(tmp_path: Path) -> Path:
    """A private copy of the small fixture site's content."""
    content = tmp_path / "content"
    shutil.copytree(FIXTURE_SITE, content)
    return content


@pytest.fixture(scope="session")
def sample_output(tmp_path_factory) -> Path:
    """The sample content in content/, built once for all tests that only read it."""
    output = tmp_path_factory.mktemp("sample") / "output"
    build(SAMPLE_CONTENT, output)
    return output
