"""The archive's data contract: `export/archive.json` and `export/answers.csv` in the built site."""

from .document import SCHEMA, archive_document, write_exports

__all__ = ["SCHEMA", "archive_document", "write_exports"]
