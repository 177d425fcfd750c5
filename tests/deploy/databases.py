"""Scratch databases on the test PostgreSQL server, for tests that run the image's scripts against real databases.

Each is named after the configured database (DATABASE_URL's name, e.g. `test_wait_1a2b3c`) and dropped afterwards.
"""

import contextlib
import os
import uuid
from urllib.parse import urlsplit, urlunsplit

import psycopg
from psycopg import sql

DEFAULT_URL = "postgres://postgres@127.0.0.1:5432/berkeleytime"


def server_url(database: str) -> str:
    """DATABASE_URL with its database replaced."""
    parts = urlsplit(os.environ.get("DATABASE_URL", DEFAULT_URL))
    return urlunsplit(parts._replace(path=f"/{database}"))


def _admin() -> psycopg.Connection:
    return psycopg.connect(server_url("postgres"), autocommit=True)


@contextlib.contextmanager
def scratch_database(purpose: str):
    """Create an empty database, yield its URL, drop it (and its connections) afterwards."""
    base = urlsplit(os.environ.get("DATABASE_URL", DEFAULT_URL)).path.lstrip("/") or "test"
    name = f"{base}_{purpose}_{uuid.uuid4().hex[:6]}"
    with _admin() as admin:
        admin.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name)))
    try:
        yield server_url(name)
    finally:
        with _admin() as admin:
            admin.execute(sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(sql.Identifier(name)))
