"""SQLite files briefings keeps in a project folder (the site's ledger, ingest's index): data a
newcomer can query, opened only when they hold exactly what briefings writes.

A project folder is untrusted (it may come with a repository or an archive): a database file
in it could hold triggers or views, whose SQL would run as we read or write. So a file is used
only when its schema is, statement for statement, the one its owner creates; none of its SQL
is ever run, and `trusted_schema` is off besides."""

from __future__ import annotations

import sqlite3
from collections.abc import Mapping
from pathlib import Path

# How long a command waits for another (a build, an ingest) to finish writing the same file.
BUSY_SECONDS = 30.0


def busy(exc: BaseException) -> bool:
    """Whether EXC says the file is in use by another connection past BUSY_SECONDS."""
    return isinstance(exc, sqlite3.OperationalError) and any(
        word in str(exc) for word in ("locked", "busy")
    )


class NotOurs(sqlite3.DatabaseError):
    """The file is not one briefings wrote: other tables, indexes, triggers or views."""


def open_exact(path: Path, schema: Mapping[str, str], what: str) -> sqlite3.Connection:
    """A connection to PATH, once its schema (tables and indexes, by name) is SCHEMA, each as
    its CREATE statement; else NotOurs (WHAT names the file in the message). SQLite's own
    indexes (for a primary key) are allowed: they hold no SQL."""
    db = sqlite3.connect(path, timeout=BUSY_SECONDS)
    try:
        db.execute("PRAGMA trusted_schema = OFF")
        found = db.execute("SELECT type, name, sql FROM sqlite_master").fetchall()
        written = {name: sql for kind, name, sql in found if sql is not None}
        kinds = {kind for kind, _, sql in found if sql is not None}
        if written != dict(schema) or not kinds <= {"table", "index"}:
            raise NotOurs(f"{what}: not the tables briefings writes")
    except BaseException:
        db.close()
        raise
    return db


def create(path: Path | str, schema: Mapping[str, str]) -> sqlite3.Connection:
    """A new database at PATH (which must not exist; ":memory:" for one in memory) holding
    SCHEMA."""
    db = sqlite3.connect(path, timeout=BUSY_SECONDS)
    try:
        for statement in schema.values():
            db.execute(statement)
    except BaseException:
        db.close()
        raise
    return db
