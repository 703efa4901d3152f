"""The sample site's output matches tests/golden/ byte for byte (refresh with `invoke golden`)."""

from __future__ import annotations

from conftest import ROOT, tree_digest

GOLDEN = ROOT / "tests" / "golden"
# Pagefind's bundle is binary, mostly Pagefind's own code, and not byte-stable in 1.5.2;
# tests/test_search.py checks it instead.
NOT_GOLDEN = "pagefind/"
# The .gz and .br beside every text file are binary copies of the golden files themselves;
# tests/test_webserver.py checks that each decompresses to its original and that they are deterministic.
PRECOMPRESSED = (".gz", ".br")


def test_sample_site_matches_golden_output(sample_output):
    expected = tree_digest(GOLDEN)
    actual = {
        path: digest
        for path, digest in tree_digest(sample_output).items()
        if not path.startswith(NOT_GOLDEN) and not path.endswith(PRECOMPRESSED)
    }
    missing = sorted(set(expected) - set(actual))
    unexpected = sorted(set(actual) - set(expected))
    changed = sorted(path for path in set(expected) & set(actual) if expected[path] != actual[path])
    assert (missing, unexpected, changed) == ([], [], []), (
        "the sample site's output differs from tests/golden/; if the change is intended, "
        "run `invoke golden` and review the diff"
    )
