"""Every number is stored exactly as printed ("never a wrong number"): a fee printed with 6
decimals keeps its 6 decimals in fact_proactive_disclosure (FORM.md's 4-decimal rule stays a
warning), the widest amount the reader accepts fits, and anything the warehouse could not hold
exactly is refused by the reader instead of being rounded."""

from decimal import Decimal

import duckdb
import pyarrow as pa
import pytest

from pipeline import warehouse
from pipeline.normalize import NUMBER_SQL, STAGING_SCHEMA
from pipeline.parse.values import read_value
from tests.conftest import RAW

S2021 = (RAW / "006_constructed_2021_tangyin_county.txt").read_text(encoding="utf-8")
S2020 = (RAW / "005_constructed_2020_tangyin_county.txt").read_text(encoding="utf-8")
FILES = {
    "fee_6_decimals.txt": S2021.replace("行政事业性收费 1486.2350", "行政事业性收费 0.123456"),
    "fee_2_decimals.txt": S2021.replace("汤阴县", "内黄县").replace(
        "行政事业性收费 1486.2350", "行政事业性收费 18651.06"
    ),
    "procurement_wide.txt": S2020.replace("38675200元", "12345678901234.5元"),
}


@pytest.fixture(scope="module")
def con(tmp_path_factory):
    from pipeline.cli import run_ingest

    root = tmp_path_factory.mktemp("exact")
    (root / "raw").mkdir()
    for name, text in FILES.items():
        assert text != S2021 and text != S2020
        (root / "raw" / name).write_text(text, encoding="utf-8")
    run_ingest(root / "raw", root / "g.duckdb", ephemeral=True)
    con = duckdb.connect(str(root / "g.duckdb"), read_only=True)
    yield con
    con.close()


def test_amounts_round_trip_into_the_facts_exactly(con):
    rows = con.execute(
        "SELECT r.source_file, r.status, f.measure, f.value, f.raw FROM fact_proactive_disclosure f "
        "JOIN reports r USING (report_id) WHERE f.measure IN ('fee_amount', 'procurement_amount') ORDER BY 1"
    ).fetchall()
    assert rows == [
        ("fee_2_decimals.txt", "loaded", "fee_amount", Decimal("18651.06"), "18651.06"),
        ("fee_6_decimals.txt", "loaded", "fee_amount", Decimal("0.123456"), "0.123456"),
        ("procurement_wide.txt", "loaded", "procurement_amount", Decimal("12345678901234.5"), "12345678901234.5元"),
    ]
    (text,) = con.execute("SELECT value::VARCHAR FROM fact_proactive_disclosure WHERE raw = '0.123456'").fetchone()
    assert text.rstrip("0") == "0.123456"  # not 0.1235


def test_more_than_four_decimals_is_still_a_warning(con):
    rows = con.execute(
        "SELECT r.source_file, d.severity, d.success, d.details FROM dq_results d JOIN reports r USING (report_id) "
        "WHERE d.expectation = 'amount_decimals' AND d.table_name = 'proactive_disclosure' ORDER BY 1"
    ).fetchall()
    assert [(f, sev, ok) for f, sev, ok, _ in rows] == [
        ("fee_2_decimals.txt", "warning", True),
        ("fee_6_decimals.txt", "warning", False),
        ("procurement_wide.txt", "warning", True),
    ]
    assert rows[1][3].startswith(
        "二、主动公开政府信息情况: check amount_decimals (万元金额最多保留4位小数) fails for "
        "行政事业性收费 / 本年收费金额（单位：万元） = 0.123456 (printed at line "
    )


def test_the_reader_refuses_what_the_warehouse_cannot_hold():
    assert read_value("0.1234567890").number == Decimal("0.1234567890")  # 10 decimals: held exactly
    assert read_value("0.12345678901") is None  # 11 would be rounded: not a value, the table fails
    assert read_value("99999999999999.9999999999").number == Decimal("99999999999999.9999999999")


def test_staging_never_rounds():
    rows = [
        {"report_id": "r", "agency_id": "a", "year": 2021, "template": "2021", "row_code": "x", "col_code": "y",
         "number": Decimal(n), "number_text": n, "raw": n, "source_page": None, "source_where": "line 1"}
        for n in ("18651.06", "0.123456", "12345678901234.5", "99999999999999.9999999999")
    ]  # fmt: skip
    db = duckdb.connect()
    db.execute(f"CREATE TABLE t (number {NUMBER_SQL}, number_text VARCHAR)")
    db.register("cells", pa.Table.from_pylist(rows, schema=STAGING_SCHEMA))  # as pipeline.ingest stages them
    db.execute("INSERT INTO t SELECT number, number_text FROM cells")
    assert all(Decimal(text) == number for number, text in db.execute("SELECT number, number_text FROM t").fetchall())
    too_fine = [{**rows[0], "number": Decimal("0.12345678901")}]
    with pytest.raises(pa.ArrowInvalid):  # refused loudly, never rounded quietly
        pa.Table.from_pylist(too_fine, schema=STAGING_SCHEMA)


# The cell tables of a warehouse from before DECIMAL(38, 10) and before batch files (they were tables).
_OLD_CELL_TABLES = """
CREATE TABLE fact_proactive_disclosure (report_id VARCHAR NOT NULL, agency_id VARCHAR NOT NULL, year INTEGER NOT NULL,
    item VARCHAR NOT NULL, measure VARCHAR NOT NULL, value DECIMAL(18, 4), raw VARCHAR NOT NULL, source_page INTEGER,
    source_where VARCHAR);
CREATE TABLE quarantine_applications (report_id VARCHAR NOT NULL, agency_id VARCHAR, year INTEGER,
    applicant_type VARCHAR NOT NULL, outcome VARCHAR NOT NULL, count DECIMAL(18, 4), raw VARCHAR NOT NULL,
    source_page INTEGER, source_where VARCHAR, reason VARCHAR);
INSERT INTO fact_proactive_disclosure VALUES ('r', 'a', 2021, 'fee', 'fee_amount', 18651.0600, '18651.06', 1, 'l');
INSERT INTO quarantine_applications VALUES ('q', NULL, NULL, 'total', 'granted', -1.5, '-1.5', NULL, 'line 9', 'why');
"""


def test_an_older_warehouse_is_widened_to_hold_exact_values(tmp_path):
    """Its cells move, widened losslessly, into a batch file that the contract's views read
    (the cell tables used to be widened in place; they are views over batch files now)."""
    published = tmp_path / "g.duckdb"
    with duckdb.connect(str(published)) as db:
        db.execute(_OLD_CELL_TABLES)
    build = warehouse.start_build(published, "run-1")
    warehouse.publish(build)
    with duckdb.connect(str(published), read_only=True) as db:
        types = db.execute(
            "SELECT table_name, column_name, data_type FROM duckdb_columns() WHERE data_type LIKE 'DECIMAL%' "
            "AND (table_name LIKE 'fact_%' OR table_name LIKE 'quarantine_%') ORDER BY 1"
        ).fetchall()
        assert types == [
            ("fact_proactive_disclosure", "value", "DECIMAL(38,10)"),
            ("quarantine_applications", "count", "DECIMAL(38,10)"),
            ("quarantine_proactive_disclosure", "value", "DECIMAL(38,10)"),
            ("quarantine_review_litigation", "count", "DECIMAL(38,10)"),
        ]
        assert db.execute("SELECT report_id, agency_id, value, raw FROM fact_proactive_disclosure").fetchall() == [
            ("r", "a", Decimal("18651.06"), "18651.06")
        ]
        assert db.execute("SELECT report_id, count, reason FROM quarantine_applications").fetchall() == [
            ("q", Decimal("-1.5"), "why")
        ]
        assert db.execute("SELECT count(*) FROM duckdb_tables() WHERE table_name LIKE 'fact_%'").fetchone() == (0,)
    assert sorted(p.name for p in (tmp_path / "g.batches" / "migrated").iterdir()) == [
        "fact_proactive_disclosure.parquet",
        "quarantine_applications.parquet",
    ]
