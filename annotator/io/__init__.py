"""Import (txt, folder, JSONL, doccano, CoNLL) and export (JSONL, DocBin, doccano, CoNLL, KB)."""

from annotator.io.readers import ImportIssue, ImportRecord, ReadResult, read_source

__all__ = ["ImportIssue", "ImportRecord", "ReadResult", "read_source"]
