"""Every table of a warehouse as rows, for tests that compare two warehouses built two ways
(staged in chunks or all at once, parsed in shards or in one process)."""

from __future__ import annotations

from pathlib import Path

import duckdb

# The columns that name the run or its time: they differ between two runs of the same files.
RUN_COLUMNS = frozenset({"run_id", "ingested_at", "first_ingested_at", "last_seen", "validated_at"})


def analyst_tables(con: duckdb.DuckDBPyConnection) -> list[str]:
    """The tables and views of a warehouse that hold what analysts read, by name. The facts and
    quarantine are views over batch files; the batch bookkeeping (``batch_*``: run ids, paths)
    is how they are stored, not what they hold."""
    return [
        n
        for (n,) in con.execute(
            "SELECT table_name FROM information_schema.tables WHERE table_catalog = current_database() "
            "AND table_schema = 'main' ORDER BY table_name"
        ).fetchall()
        if not n.startswith("batch_")
    ]


def warehouse_rows(path: Path, skip_tables: frozenset[str] = frozenset()) -> dict[str, list[tuple]]:
    """Every analyst table's and view's rows (``analyst_tables``) without the run's own columns,
    in a stable order."""
    with duckdb.connect(str(path), read_only=True) as con:
        out = {}
        for name in analyst_tables(con):
            if name in skip_tables:
                continue
            columns = [
                c
                for (c,) in con.execute(
                    "SELECT column_name FROM duckdb_columns() WHERE table_name = ? ORDER BY column_index", [name]
                ).fetchall()
                if c not in RUN_COLUMNS
            ]
            quoted = ", ".join(f'"{c}"' for c in columns)
            out[name] = sorted(con.execute(f"SELECT {quoted} FROM {name}").fetchall(), key=repr)
    return out
