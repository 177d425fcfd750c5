"""Database helpers the apps share."""

from __future__ import annotations

from collections.abc import Iterable, Sequence

from django.db import connection, models


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
