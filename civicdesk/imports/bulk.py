"""Writing many rows at once: COPY on PostgreSQL, one executemany elsewhere (SQLite), and
ids reserved ahead so that rows pointing to new rows are written in the same pass.

On PostgreSQL each foreign key of each new row is checked by a trigger, one query per
row and key at commit: for an import that is more work than writing the rows. Where the
role may set `session_replication_role` (a superuser, or PostgreSQL 15's `GRANT SET ON
PARAMETER`), `unchecked_keys` turns those triggers off while the rows are written, and
the caller instead locks the rows they point to with `lock_keys`, one statement per
table, as the triggers would (FOR KEY SHARE): a concurrent delete waits or fails."""

import json
from collections.abc import Collection, Iterable, Iterator, Sequence
from contextlib import contextmanager
from datetime import datetime

from django.db import DatabaseError, connection, transaction
from django.db.models import Model


def _table(model: type[Model]) -> str:
    return connection.ops.quote_name(model._meta.db_table)


def reserve_ids(model: type[Model], count: int) -> list[int]:
    """`count` new primary keys of `model` that no other writer will use, in one statement.
    Call inside the transaction that writes the rows."""
    if count == 0:
        return []
    table = model._meta.db_table
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute(
                "SELECT array_agg(nextval(pg_get_serial_sequence(%s, %s)))"
                " FROM generate_series(1, %s)",
                [table, model._meta.pk.column, count],
            )
            return cursor.fetchone()[0]
        # SQLite (AUTOINCREMENT): move the table's counter on; the transaction already
        # holds the write lock (IMMEDIATE), so nobody takes ids in between.
        pk = connection.ops.quote_name(model._meta.pk.column)
        cursor.execute(f"SELECT COALESCE(MAX({pk}), 0) FROM {_table(model)}")
        highest = cursor.fetchone()[0]
        cursor.execute("SELECT seq FROM sqlite_sequence WHERE name = %s", [table])
        found = cursor.fetchone()
        start = max(highest, found[0] if found else 0) + 1
        if found:
            cursor.execute(
                "UPDATE sqlite_sequence SET seq = %s WHERE name = %s", [start + count - 1, table]
            )
        else:
            cursor.execute(
                "INSERT INTO sqlite_sequence (name, seq) VALUES (%s, %s)",
                [table, start + count - 1],
            )
        return list(range(start, start + count))


_types: dict[tuple[str, tuple[str, ...]], list[int]] = {}


def _column_types(cursor, table: str, columns: tuple[str, ...]) -> list[int]:
    """The PostgreSQL type oids of a table's columns, as binary COPY needs them."""
    key = (table, columns)
    if key not in _types:
        cursor.execute(
            "SELECT attname, atttypid FROM pg_attribute"
            " WHERE attrelid = %s::regclass AND attnum > 0",
            [table],
        )
        found = dict(cursor.fetchall())
        _types[key] = [found[c] for c in columns]
    return _types[key]


def _sqlite_value(value: object) -> object:
    if isinstance(value, datetime):
        return connection.ops.adapt_datetimefield_value(value)
    if isinstance(value, dict):
        return json.dumps(value)
    return value


def write_rows(model: type[Model], columns: Sequence[str], rows: Iterable[Sequence]) -> None:
    """Insert rows of values for `columns` (database column names) of `model`'s table."""
    quote = connection.ops.quote_name
    names = ", ".join(quote(c) for c in columns)
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            # Binary: the server parses no text (timestamps above all).
            types = _column_types(cursor, model._meta.db_table, tuple(columns))
            sql = f"COPY {_table(model)} ({names}) FROM STDIN (FORMAT BINARY)"
            with cursor.cursor.copy(sql) as copy:
                copy.set_types(types)
                for row in rows:
                    copy.write_row(row)
            return
        marks = ", ".join(["%s"] * len(columns))
        cursor.executemany(
            f"INSERT INTO {_table(model)} ({names}) VALUES ({marks})",
            [[_sqlite_value(v) for v in row] for row in rows],
        )


def may_skip_key_triggers() -> bool:
    """Whether this connection's role may turn foreign-key triggers off (PostgreSQL)."""
    if connection.vendor != "postgresql":
        return False
    try:
        with transaction.atomic(), connection.cursor() as cursor:
            cursor.execute("SET LOCAL session_replication_role = replica")
            cursor.execute("SET LOCAL session_replication_role = origin")
    except DatabaseError:
        return False
    return True


@contextmanager
def unchecked_keys(skip: bool) -> Iterator[None]:
    """Inside a transaction: rows written in the block fire no foreign-key triggers (when
    `skip`); the setting ends with the block, before the commit."""
    if not skip:
        yield
        return
    with connection.cursor() as cursor:
        cursor.execute("SET LOCAL session_replication_role = replica")
        yield
        # (After an error the transaction rolls back, and the setting with it.)
        cursor.execute("SET LOCAL session_replication_role = origin")


def lock_keys(model: type[Model], ids: Collection[int]) -> None:
    """Lock the rows that new rows point to, as key triggers would; an id that no longer
    exists is an error."""
    if not ids:
        return
    pk = connection.ops.quote_name(model._meta.pk.column)
    with connection.cursor() as cursor:
        cursor.execute(
            f"SELECT {pk} FROM {_table(model)} WHERE {pk} = ANY(%s) FOR KEY SHARE", [list(ids)]
        )
        found = cursor.fetchall()
    if len(found) != len(ids):
        raise DatabaseError(f"a {model._meta.verbose_name} was deleted during the import")
