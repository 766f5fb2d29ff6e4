"""The benchmark scripts read what they measure correctly (their figures are not tested: see benchmarks/)."""
import pytest

from benchmarks.suite_time import summary


@pytest.mark.parametrize("line, counts, seconds", [
    ("2233 passed in 198.49s (0:03:18)", {"passed": 2233}, 198.49),
    ("2017 passed, 1 skipped in 359.22s (0:05:59)", {"passed": 2017, "skipped": 1}, 359.22),
    ("===== 3 failed, 2230 passed, 2 warnings in 201.10s (0:03:21) =====", {"failed": 3, "passed": 2230, "warnings": 2}, 201.10),
])
def test_the_suite_benchmark_reads_pytests_summary_line(line, counts, seconds):
    output = "........ [ 99%]\nreader pass: 17 pages x 2 languages in 133.4 s (summed over the workers)\n" + line + "\n"
    assert summary(output) == (counts, seconds)


def test_the_suite_benchmark_shows_the_output_that_has_no_summary():
    with pytest.raises(ValueError, match=r"no pytest summary line in the output; its end:\nImportError: no module named torch"):
        summary("ImportError: no module named torch\n")
