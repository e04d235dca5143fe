"""Report parsing: a `reports/README.md` (bytes) to a `Report`, against the question registry."""

from cohort_archive.parse.report import parse_report

__all__ = ["parse_report"]
