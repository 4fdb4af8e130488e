"""TinyDB persistence: crash-safe shards, a group-commit writer, schema version and locking."""

from annotator.store.atomic import AtomicJSONStorage, StoreError, read_json, write_json_atomic
from annotator.store.project_store import SCHEMA_VERSION, ProjectStore
from annotator.store.session import open_project
from annotator.store.writer import ShardWriter

__all__ = [
    "SCHEMA_VERSION",
    "AtomicJSONStorage",
    "ProjectStore",
    "ShardWriter",
    "StoreError",
    "open_project",
    "read_json",
    "write_json_atomic",
]
