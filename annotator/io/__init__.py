"""Import (txt, folder, JSONL) and export (JSONL) of articles and annotations."""

from annotator.io.readers import ImportIssue, ImportRecord, ReadResult, read_source

__all__ = ["ImportIssue", "ImportRecord", "ReadResult", "read_source"]
