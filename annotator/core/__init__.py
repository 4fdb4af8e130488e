"""Pure-Python domain model: no Qt, spaCy or TinyDB imports allowed here."""
