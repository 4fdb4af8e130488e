"""Export and import formats beyond the Prodigy-style JSONL of `annotator.io.jsonl_export`.

- `selection`: which (article, annotation set) pairs an export takes, and why others are skipped.
- `split`: the seeded, article-level train/dev split.
- `doccano`: doccano sequence-labelling JSONL (`{"text", "label": [[start, end, "LABEL"]]}`).
- `conll`: token-per-line BIO (CoNLL-2003 style) export and CoNLL/BIO/BIOES import.
- `docbin`: spaCy `DocBin` files and a matching `config.cfg` for `spacy train`.
- `remap`: `--label-map` parsing and applying it to imported records.

The single entry point for exports is `annotator.io.export.export_project`.
"""
