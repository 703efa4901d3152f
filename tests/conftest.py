"""Fixtures shared by the test modules (the helpers they use are in ``helpers.py``), and CI's rule on skips."""

from __future__ import annotations

import logging
import os
import shutil
from pathlib import Path

import pytest

from newsroom.outputs.cards import stage
from newsroom.outputs.images import stage as image_stage

from helpers import FIXTURE_SITE, SAMPLE_CONTENT, build, copy_of_output, tree_digest


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
def card_log(caplog):
    """caplog with the card stage's line of every build at INFO (read by ``helpers.card_counts``; ``helpers.build``
    keeps Pelican from dropping a line it logged before).
    """
    caplog.set_level(logging.INFO, logger=stage.logger.name)
    return caplog


@pytest.fixture(scope="session")
def fixture_site_output(tmp_path_factory) -> Path:
    """The fixture site built once, for tests that only read it or copy it (``built_site``)."""
    output = tmp_path_factory.mktemp("fixture-site") / "output"
    build(FIXTURE_SITE, output)
    return output


@pytest.fixture
def built_site(site: Path, tmp_path: Path, fixture_site_output: Path):
    """The fixture site and a private copy of its built output: (content, output, digest of the output)."""
    output = copy_of_output(fixture_site_output, tmp_path / "output")
    return site, output, tree_digest(output)


@pytest.fixture
def image_log(caplog):
    """caplog with the image stage's line of every build (read by ``helpers.image_counts``), as ``card_log``."""
    caplog.set_level(logging.INFO, logger=image_stage.logger.name)
    return caplog
