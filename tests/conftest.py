"""Fixtures shared by the test modules (the helpers they use are in ``helpers.py``), and CI's rule on skips."""

from __future__ import annotations

import logging
import os
import shutil
from pathlib import Path

import pytest

from newsroom.outputs.cards import stage
from newsroom.outputs.images import stage as image_stage

from helpers import FIXTURE_SITE, SAMPLE_CONTENT, build


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_makereport(item, call):
    """In CI (``CI`` set) a skipped test fails: .ci/run installs what every test needs, so "passed" means every test ran."""
    outcome = yield
    report = outcome.get_result()
    if os.environ.get("CI") and report.skipped and not hasattr(report, "wasxfail"):
        reason = report.longrepr[2] if isinstance(report.longrepr, tuple) else str(report.longrepr)
        report.outcome = "failed"
        report.longrepr = f"skipped in CI ({reason}); CI must have everything the tests need: see .ci/run"


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


@pytest.fixture
def card_log(caplog, monkeypatch):
    """caplog with the card stage's line of every build (read by ``helpers.card_counts``).

    At INFO, and without Pelican's filter on the logger, which drops a line
    logged word for word before in this process: two builds in one test
    may draw and reuse the same cards in the same hundredths of a second.
    """
    caplog.set_level(logging.INFO, logger=stage.logger.name)
    monkeypatch.setattr(stage.logger, "filters", [])
    return caplog


@pytest.fixture
def image_log(caplog, monkeypatch):
    """caplog with the image stage's line of every build (read by ``helpers.image_counts``), as ``card_log``."""
    caplog.set_level(logging.INFO, logger=image_stage.logger.name)
    monkeypatch.setattr(image_stage.logger, "filters", [])
    return caplog
