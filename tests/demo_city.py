"""The demo city, seeded once per test session and copied back into the database for each test
that needs it: seeding runs hundreds of services (about 8 s), a copy takes a fraction of a second.
"""

import shutil
from dataclasses import dataclass
from pathlib import Path

from django.contrib.contenttypes.models import ContentType
from django.db import transaction
from psycopg import sql


@dataclass(frozen=True)
class DatabaseSnapshot:
    # COPY's binary format keeps every type exactly (no text round trip of timestamps, bytea…).
    rows_by_table: dict[str, bytes]
    tables: tuple[str, ...]
    sequences: tuple[tuple[str, int], ...]
    # Setting (MEDIA_ROOT, PRIVATE_MEDIA_ROOT) -> the folder holding the files seeded there.
    file_roots: dict[str, Path]

    @classmethod
    def take(cls, connection, file_roots: dict[str, Path]) -> "DatabaseSnapshot":
        """What the project's tables and sequences hold now, in `connection`'s transaction."""
        tables = tuple(connection.introspection.django_table_names(only_existing=True))
        rows_by_table = {}
        with connection.cursor() as cursor:
            raw = cursor.cursor
            for table in tables:
                statement = sql.SQL("COPY {} TO STDOUT (FORMAT BINARY)").format(
                    sql.Identifier(table)
                )
                with raw.copy(statement) as copy:
                    rows_by_table[table] = b"".join(bytes(block) for block in copy)
            raw.execute(
                "SELECT format('%I.%I', schemaname, sequencename), last_value "
                "FROM pg_sequences WHERE last_value IS NOT NULL"
            )
            sequences = tuple(raw.fetchall())
        return cls(rows_by_table, tables, sequences, file_roots)

    def restore(self, connection, settings) -> None:
        """Replace what the tables hold with the snapshot (the ids included) and copy its files
        to the folders `settings` names. Runs in the caller's transaction: a test's rollback
        undoes it."""
        # One transaction: the foreign keys are checked once every table is back.
        with transaction.atomic(using=connection.alias), connection.cursor() as cursor:
            raw = cursor.cursor
            # TRUNCATE refuses tables with deferred foreign-key checks pending (an earlier
            # restore in the same test): run them now, then defer again for the copies.
            raw.execute("SET CONSTRAINTS ALL IMMEDIATE")
            raw.execute("SET CONSTRAINTS ALL DEFERRED")
            raw.execute(
                sql.SQL("TRUNCATE {}").format(
                    sql.SQL(", ").join(sql.Identifier(table) for table in self.tables)
                )
            )
            for table, rows in self.rows_by_table.items():
                statement = sql.SQL("COPY {} FROM STDIN (FORMAT BINARY)").format(
                    sql.Identifier(table)
                )
                with raw.copy(statement) as copy:
                    copy.write(rows)
            for sequence, last_value in self.sequences:
                raw.execute("SELECT setval(%s, %s)", [sequence, last_value])
        # The content types now carry the snapshot's ids, not those this process cached.
        ContentType.objects.clear_cache()
        for setting, folder in self.file_roots.items():
            shutil.copytree(folder, getattr(settings, setting), dirs_exist_ok=True)
