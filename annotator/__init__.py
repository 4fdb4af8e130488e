"""Annotator: a local-first desktop tool for annotating entities in news articles."""

__version__ = "0.1.0"
