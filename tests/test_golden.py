"""The sample site's output matches tests/golden/ byte for byte (refresh with `invoke golden`).

A mismatch names every differing path and shows what changed: a unified diff
of the first few text files, size and sha256 for binary ones.
"""

from __future__ import annotations

import difflib
import hashlib
from pathlib import Path

import pytest

from newsroom.site.renderkeys import KEYS_FILE

from helpers import ROOT, tree_digest

GOLDEN = ROOT / "tests" / "golden"
# Pagefind's bundle is binary, mostly Pagefind's own code, and not byte-stable in 1.5.2;
# tests/test_search.py checks it instead.
NOT_GOLDEN = "pagefind/"
DIFFED_FILES = 3  # more diffs than this hide the list of paths
DIFF_LINES = 40  # per file
DIFF_LINE_LENGTH = 200  # minified CSS or JSON is one long line


def binary_summary(data: bytes) -> str:
    return f"{len(data)} bytes, sha256 {hashlib.sha256(data).hexdigest()[:16]}…"


def change_report(path: str, expected: bytes, actual: bytes) -> str:
    """A short unified diff of one changed file, or sizes and hashes when it is not text."""
    try:
        before, after = expected.decode("utf-8"), actual.decode("utf-8")
    except UnicodeDecodeError:
        return f"{path} (binary): golden {binary_summary(expected)}; output {binary_summary(actual)}"
    diff = list(
        difflib.unified_diff(before.splitlines(), after.splitlines(), f"golden/{path}", f"output/{path}", n=2, lineterm="")
    )
    shown = [line if len(line) <= DIFF_LINE_LENGTH else line[:DIFF_LINE_LENGTH] + " …" for line in diff[:DIFF_LINES]]
    if len(diff) > DIFF_LINES:
        shown.append(f"… {len(diff) - DIFF_LINES} more diff lines")
    return "\n".join(shown)


def mismatch_report(golden: Path, output: Path, missing: list[str], unexpected: list[str], changed: list[str]) -> str:
    """What an editor needs to judge a golden mismatch: the paths, then what changed in the first files."""
    lines = [
        "the sample site's output differs from tests/golden/; if the change is intended, run `invoke golden` and review the diff"
    ]
    lines += [f"missing from the output: {path}" for path in missing]
    lines += [f"not in tests/golden/: {path}" for path in unexpected]
    lines += [f"changed: {path}" for path in changed]
    for path in changed[:DIFFED_FILES]:
        lines += ["", change_report(path, (golden / path).read_bytes(), (output / path).read_bytes())]
    if len(changed) > DIFFED_FILES:
        lines += ["", f"({len(changed) - DIFFED_FILES} more changed files not shown)"]
    return "\n".join(lines)

# The render keys (newsroom/site/renderkeys.py) are not part of the site and change with the code.
# The .gz and .br beside every text file are binary copies of the golden files themselves;
# tests/test_webserver.py checks that each decompresses to its original and that they are deterministic.
PRECOMPRESSED = (".gz", ".br")


def test_sample_site_matches_golden_output(sample_output):
    expected = tree_digest(GOLDEN)
    actual = {
        path: digest
        for path, digest in tree_digest(sample_output).items()
        if not path.startswith(NOT_GOLDEN) and not path.endswith(PRECOMPRESSED) and path != KEYS_FILE
    }
    missing = sorted(set(expected) - set(actual))
    unexpected = sorted(set(actual) - set(expected))
    changed = sorted(path for path in set(expected) & set(actual) if expected[path] != actual[path])
    if missing or unexpected or changed:
        pytest.fail(mismatch_report(GOLDEN, sample_output, missing, unexpected, changed), pytrace=False)


def test_a_mismatch_shows_a_diff_of_text_and_the_size_of_binary_files(tmp_path):
    golden, output = tmp_path / "golden", tmp_path / "output"
    for folder, title, picture in (
        (golden, "Neue Bänke im Park", b"\x89PNG\x00alt"),
        (output, "Neue Bänke im Stadtpark", b"\x89PNG\x00neu!"),
    ):
        (folder / "pressemitteilungen").mkdir(parents=True)
        (folder / "pressemitteilungen" / "index.html").write_text(
            f"<html>\n<h1>{title}</h1>\n<p>Text</p>\n</html>\n", encoding="utf-8"
        )
        (folder / "karte.png").write_bytes(picture)
    (output / "style.css").write_text("p{margin:0}" * 100, encoding="utf-8")
    (golden / "style.css").write_text("p{margin:1}" * 100, encoding="utf-8")

    changed = ["karte.png", "pressemitteilungen/index.html", "style.css", "suche/index.html"]
    report = mismatch_report(golden, output, ["alt.html"], ["neu.html"], changed)

    assert "missing from the output: alt.html\nnot in tests/golden/: neu.html\nchanged: karte.png\n" in report
    golden_hash = hashlib.sha256(golden.joinpath("karte.png").read_bytes()).hexdigest()[:16]
    assert f"karte.png (binary): golden 8 bytes, sha256 {golden_hash}…; output 9 bytes, sha256 " in report
    assert "--- golden/pressemitteilungen/index.html\n+++ output/pressemitteilungen/index.html\n" in report
    assert "\n-<h1>Neue Bänke im Park</h1>\n+<h1>Neue Bänke im Stadtpark</h1>\n" in report
    assert "\n-" + "p{margin:1}" * 18 + "p …\n" in report  # one minified line, cut
    assert report.endswith("\n(1 more changed files not shown)")


def test_a_long_diff_is_cut():
    expected = "".join(f"Zeile {number}\n" for number in range(100)).encode()
    report = change_report("seite.html", expected, expected.replace(b"Zeile", b"Reihe"))
    assert len(report.splitlines()) == DIFF_LINES + 1
    assert report.endswith(f"… {2 * 100 + 3 - DIFF_LINES} more diff lines")
