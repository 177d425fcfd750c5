"""Database helpers the apps share."""

from __future__ import annotations

import contextlib
import time
from collections.abc import Iterable, Iterator, Sequence

from django.core.management.base import CommandError
from django.db import connection, models

# The one PostgreSQL advisory lock every importer and SIS sync holds while it runs.
DATA_WRITES_LOCK = 0x6274_6461_7461  # "btdata"


@contextlib.contextmanager
def data_writes(what: str, wait_seconds: float) -> Iterator[None]:
    """Hold the data-writes lock for the block: no two importers or syncs write at once,
    whichever pods or CronJobs run them. Waits up to ``wait_seconds`` for a run in
    progress to finish, then gives up with a CommandError; nothing has been written
    by then. The lock is the session's, so a nested run (import_all's) takes it again."""
    deadline = time.monotonic() + wait_seconds
    with connection.cursor() as cursor:
        while True:
            cursor.execute("SELECT pg_try_advisory_lock(%s)", [DATA_WRITES_LOCK])
            if cursor.fetchone()[0]:
                break
            if time.monotonic() >= deadline:
                raise CommandError(
                    f"{what}: another import or SIS sync is still writing after {wait_seconds:g} s "
                    "(DATA_LOCK_WAIT_SECONDS); nothing was changed"
                )
            time.sleep(min(1.0, max(0.05, deadline - time.monotonic())))
    try:
        yield
    finally:
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_advisory_unlock(%s)", [DATA_WRITES_LOCK])


def bulk_update(
    model: type[models.Model], objects: Sequence[models.Model], fields: Iterable[str], batch_size=2000
) -> int:
    """Like QuerySet.bulk_update, as one ``UPDATE ... FROM (VALUES ...)`` per batch.

    Django's bulk_update writes a CASE with one branch per row for every
    column, which PostgreSQL evaluates row by row: updating 100,000 grade rows
    that way takes many minutes; joining a VALUES list takes seconds."""
    if not objects:
        return 0
    table = model._meta.db_table
    pk = model._meta.pk
    columns = [model._meta.get_field(name) for name in fields]
    casts = [f"%s::{field.db_type(connection)}" for field in (pk, *columns)]
    row = "(" + ", ".join(casts) + ")"
    names = ", ".join(connection.ops.quote_name(c.column) for c in (pk, *columns))
    assignments = ", ".join(
        f"{connection.ops.quote_name(c.column)} = v.{connection.ops.quote_name(c.column)}" for c in columns
    )
    batch_size = min(batch_size, 60000 // (len(columns) + 1))  # PostgreSQL takes 65,535 parameters at most
    updated = 0
    with connection.cursor() as cursor:
        for start in range(0, len(objects), batch_size):
            batch = objects[start : start + batch_size]
            params = []
            for obj in batch:
                params.append(pk.get_db_prep_save(obj.pk, connection))
                for field in columns:
                    params.append(field.get_db_prep_save(getattr(obj, field.attname), connection))
            values = ", ".join([row] * len(batch))
            cursor.execute(
                f"UPDATE {connection.ops.quote_name(table)} AS t SET {assignments} "  # noqa: S608 - names from the model
                f"FROM (VALUES {values}) AS v({names}) "
                f"WHERE t.{connection.ops.quote_name(pk.column)} = v.{connection.ops.quote_name(pk.column)}",
                params,
            )
            updated += cursor.rowcount
    return updated


def copy_insert(model: type[models.Model], objects: Iterable[models.Model], fields: Sequence[str]) -> int:
    """Insert ``objects`` with PostgreSQL's COPY: for the hundred thousand rows of
    an import from empty, several times faster than bulk_create's INSERTs.
    The objects' primary keys are not set."""
    columns = [model._meta.get_field(name) for name in fields]
    names = ", ".join(connection.ops.quote_name(c.column) for c in columns)
    count = 0
    connection.ensure_connection()
    statement = f"COPY {connection.ops.quote_name(model._meta.db_table)} ({names}) FROM STDIN"
    with connection.connection.cursor() as cursor, cursor.copy(statement) as copy:
        for obj in objects:
            copy.write_row([field.get_db_prep_save(getattr(obj, field.attname), connection) for field in columns])
            count += 1
    return count
