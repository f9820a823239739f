"""Hostile files fail alone, with a reason naming what they broke, at bounded cost.

Every hostile file is generated here, in tmp_path (a bomb is never committed): zip bombs are
streamed through zipfile in 1 MB chunks, a 3000-page PDF is blank pages from pypdfium2. Each
test runs the file through ``parse_files`` (worker processes, as in a run) next to real
reports and checks the exact reason and that the real reports still parse.
"""

from __future__ import annotations

import ctypes
import io
import shutil
import time
import zipfile
from pathlib import Path

import pypdfium2 as pdfium
import pytest

from pipeline import ingest
from pipeline.limits import DEFAULT_LIMITS, MB, Limits
from tests.conftest import RAW

DOCX = RAW / "000_4878a5074e723ab1.docx"
GOOD = ("001_3e089bbee027005d.txt", "002_4506cd2fdf4d2994.html", "003_6e817ece59bf6a07.docx")


def _copy_sample(src: zipfile.ZipFile, out: zipfile.ZipFile) -> None:
    for member in src.infolist():
        out.writestr(member, src.read(member))


def docx_with_padding(path: Path, megabytes: int, name: str = "word/media/padding.bin") -> Path:
    """A real report's DOCX plus one member of ``megabytes`` MB of zeros (packs ~1000:1)."""
    with zipfile.ZipFile(DOCX) as src, zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as out:
        _copy_sample(src, out)
        with out.open(name, "w", force_zip64=True) as stream:
            chunk = bytes(MB)
            for _ in range(megabytes):
                stream.write(chunk)
    return path


def docx_inflating_its_body(path: Path, megabytes: int) -> Path:
    """A real report's DOCX whose word/document.xml holds ``megabytes`` MB of blanks before
    </w:body>: valid XML that python-docx would unpack and parse whole (packs ~1000:1)."""
    body = "word/document.xml"
    with zipfile.ZipFile(DOCX) as src, zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as out:
        for member in src.infolist():
            if member.filename != body:
                out.writestr(member, src.read(member))
        head, tail = src.read(body).split(b"</w:body>")
        with out.open(body, "w", force_zip64=True) as stream:
            stream.write(head)
            chunk = b" " * MB
            for _ in range(megabytes):
                stream.write(chunk)
            stream.write(b"</w:body>" + tail)
    return path


def docx_lying_about(path: Path, member: str, declared: int) -> Path:
    """A real report's DOCX whose central directory declares ``declared`` bytes for ``member``."""
    data = bytearray(DOCX.read_bytes())
    with zipfile.ZipFile(io.BytesIO(bytes(data))) as archive:
        names = [m.filename for m in archive.infolist()]
    entry = data.find(b"PK\x01\x02")  # central directory entries, in member order
    for name in names:
        if name == member:
            data[entry + 24 : entry + 28] = declared.to_bytes(4, "little")  # uncompressed size
            break
        entry = data.find(b"PK\x01\x02", entry + 4)
    path.write_bytes(bytes(data))
    return path


def pdf_of_pages(path: Path, pages: int) -> Path:
    document = pdfium.PdfDocument.new()
    for _ in range(pages):
        document.new_page(595, 842)
    document.save(str(path))
    document.close()
    return path


def nested_html(path: Path, levels: int) -> Path:
    path.write_text("<html><body>" + "<div>" * levels + "政府信息公开" + "</div>" * levels + "</body></html>")
    return path


def big_html(path: Path, megabytes: int) -> Path:
    """An HTML page of exactly ``megabytes`` MB of paragraphs, written in chunks of ~1 MB."""
    line = "<p>政府信息公开工作年度报告 0 0 0 0 0 0 0</p>\n".encode()
    chunk, end = line * (MB // len(line)), b"</body></html>"
    with path.open("wb") as f:
        f.write(b"<html><body>")
        for _ in range(megabytes - 1):
            f.write(chunk)
        f.write(b" " * (megabytes * MB - f.tell() - len(end)) + end)
    return path


def run(
    tmp_path: Path, hostile: list[Path], limits: Limits = DEFAULT_LIMITS, workers: int = 2, copies: int = 0
) -> dict:
    """parse_files over the hostile files and three real reports (and ``copies`` more of one,
    each with its own content, to reach the parallel path); results by file name."""
    raw = tmp_path / "raw"
    raw.mkdir(exist_ok=True)
    good = [*GOOD, *(f"copy_{i}.txt" for i in range(copies))]
    for name in GOOD:
        shutil.copy2(RAW / name, raw / name)
    for i in range(copies):
        (raw / f"copy_{i}.txt").write_bytes((RAW / GOOD[0]).read_bytes() + b"\n" * (i + 1))
    for path in hostile:
        if path.parent != raw:
            shutil.move(path, raw / path.name)
    files = ingest.scan(raw, tmp_path / "none.duckdb").to_process
    results = {r.file.source_file: r for r in ingest.parse_files(files, workers=workers, limits=limits)}
    assert len(results) == len(good) + len(hostile)
    assert all(results[name].parsed is not None for name in good), {n: results[n].error for n in good}
    return results


def test_a_docx_that_inflates_past_the_limit_is_not_unpacked(tmp_path):
    bomb = docx_inflating_its_body(tmp_path / "bomb.docx", 300)
    assert bomb.stat().st_size < MB  # 300 MB of blanks pack into ~0.35 MB
    with zipfile.ZipFile(bomb) as archive:
        total = sum(m.file_size for m in archive.infolist())
    started = time.monotonic()
    results = run(tmp_path, [bomb])
    assert results["bomb.docx"].error == (
        f".docx unpacks to {total / MB:.0f} MB, more than the limit of 256 MB "
        "(a zip bomb, or a document padded with media): not read"
    )
    assert f"{total / MB:.0f}" == "301"
    assert time.monotonic() - started < 30


def test_a_docx_member_packed_like_a_bomb_is_refused_below_the_size_limit(tmp_path):
    bomb = docx_with_padding(tmp_path / "dense.docx", 20)
    with zipfile.ZipFile(bomb) as archive:
        member = archive.getinfo("word/media/padding.bin")
    ratio = member.file_size / member.compress_size
    assert ratio > 900
    results = run(tmp_path, [bomb])
    assert results["dense.docx"].error == (
        f".docx member 'word/media/padding.bin' unpacks to {ratio:.0f} times its packed size, "
        "more than the limit of 200 (a zip bomb): not read"
    )


def test_a_docx_part_too_large_to_parse_is_refused(tmp_path):
    """An XML part becomes a tree several times its size: one part has a limit of its own."""
    results = run(tmp_path, [docx_with_padding(tmp_path / "part.docx", 60, name="word/padding.xml")])
    assert results["part.docx"].error == (
        ".docx part 'word/padding.xml' unpacks to 60 MB, more than the limit of 50 MB for one part: not read"
    )


def test_a_docx_member_lying_about_its_size_fails_before_python_docx_reads_it(tmp_path):
    small = docx_lying_about(tmp_path / "smaller.docx", "word/document.xml", 1000)
    large = docx_lying_about(tmp_path / "larger.docx", "word/document.xml", 200_000)
    results = run(tmp_path, [small, large])
    assert results["smaller.docx"].error == (
        "damaged .docx file: member 'word/document.xml' does not unpack: Bad CRC-32 for file 'word/document.xml'"
    )
    assert results["larger.docx"].error == (
        "damaged .docx file: member 'word/document.xml' unpacks to 135044 bytes, its header says 200000"
    )


def test_a_pdf_of_thousands_of_pages_is_refused_by_its_page_count(tmp_path):
    pdf = pdf_of_pages(tmp_path / "pages.pdf", 3000)
    started = time.monotonic()
    results = run(tmp_path, [pdf])
    assert results["pages.pdf"].error == "PDF of 3000 pages, more than the limit of 500: not read"
    assert time.monotonic() - started < 30


def test_deeply_nested_html_is_refused_not_flattened(tmp_path):
    """libxml2 re-parents elements past 255 levels; a page nested past the limit fails."""
    results = run(tmp_path, [nested_html(tmp_path / "deep.html", 100_000), nested_html(tmp_path / "ok.html", 150)])
    assert results["deep.html"].error == "HTML page nested deeper than 200 levels; not a report page"
    # 150 levels are read (and found not to be a report): the depth limit did not refuse it
    assert results["ok.html"].error == "not a report: no title line '…政府信息公开工作年度报告' near the top"


def test_enormous_html_is_refused_before_it_is_read(tmp_path):
    page = big_html(tmp_path / "huge.html", 200)
    assert page.stat().st_size == 200 * MB
    tags = tmp_path / "tags.html"
    tags.write_bytes(b"<html><body>" + b"<b>" * 600_000 + b"</body></html>")
    results = run(tmp_path, [page, tags])
    assert results["huge.html"].error == "HTML page of 200 MB is larger than the limit of 30 MB"
    assert results["tags.html"].error == "HTML page with 600004 tags, more than the limit of 500000"


def test_a_file_past_its_kind_s_size_limit_is_refused_before_it_is_read(tmp_path):
    text = tmp_path / "big.txt"
    text.write_bytes(("政府信息公开\n" * 200_000).encode())
    pdf = tmp_path / "big.pdf"
    pdf.write_bytes((RAW / "000_4878a5074e723ab1.pdf").read_bytes() + b"\n" * (2 * MB))
    sizes = {p.name: p.stat().st_size / MB for p in (text, pdf)}
    results = run(tmp_path, [text, pdf], Limits(text_mb=1, file_mb=2))
    assert results["big.txt"].error == f"text file of {sizes['big.txt']:.0f} MB is larger than the limit of 1 MB"
    assert results["big.pdf"].error == f"file of {sizes['big.pdf']:.0f} MB is larger than the limit of 2 MB"


def test_files_that_are_not_what_their_extension_says(tmp_path):
    (tmp_path / "page.pdf").write_bytes(b"<!DOCTYPE html>\n<html><head><title>404</title></head></html>")
    shutil.copy2(Path(__file__).parent / "fixtures" / "bad" / "legacy.doc", tmp_path / "renamed.docx")
    (tmp_path / "text.docx").write_text("政府信息公开工作年度报告", encoding="utf-8")
    shutil.copy2(RAW / "000_4878a5074e723ab1.pdf", tmp_path / "pdf.txt")
    shutil.copy2(DOCX, tmp_path / "docx.html")
    (tmp_path / "binary.txt").write_bytes(bytes(range(1, 256)) * 400)
    hostile = ["page.pdf", "renamed.docx", "text.docx", "pdf.txt", "docx.html", "binary.txt"]
    results = run(tmp_path, [tmp_path / name for name in hostile])
    assert {name: results[name].error for name in hostile} == {
        "page.pdf": "the file is an HTML page, not a .pdf file: probably a web page saved in place of the "
        "report: download the report again",
        "renamed.docx": "the file is a legacy Word 97-2003 / WPS file, not a .docx file: save it as .docx or PDF",
        "text.docx": "not a .docx file (no OOXML zip container); the file is damaged or mislabelled",
        "pdf.txt": "the file is a PDF, not a .txt file: rename it to .pdf",
        "docx.html": "the file is a zip archive, not a .html file: if it is a Word document, rename it to .docx",
        "binary.txt": "cannot decode the text: no known character encoding fits",
    }


def _hang_in_c(data: bytes) -> None:
    """A reader stuck inside a C call: no Python signal handler would ever run."""
    ctypes.CDLL(None).sleep(60)


def _hang_in_python(data: bytes) -> None:
    time.sleep(60)


@pytest.mark.parametrize(("workers", "copies"), [(1, 0), (2, ingest.PARALLEL_THRESHOLD)])
def test_a_reader_that_hangs_is_killed_at_the_time_limit(tmp_path, monkeypatch, workers, copies):
    """Forked workers inherit the patched READERS; the parent kills the stuck ones, in the
    single-worker path (few files) and in the parallel one."""
    from pipeline import readers

    monkeypatch.setitem(readers.READERS, ".md", lambda data, limits: _hang_in_c(data))
    monkeypatch.setitem(readers.READERS, ".htm", lambda data, limits: _hang_in_python(data))
    (tmp_path / "stuck.md").write_text("anything", encoding="utf-8")
    (tmp_path / "slow.htm").write_text("anything else", encoding="utf-8")
    started = time.monotonic()
    results = run(tmp_path, [tmp_path / "stuck.md", tmp_path / "slow.htm"], Limits(seconds=3), workers, copies)
    reason = "reading took longer than 3 s; the file may be damaged or built to stall the reader"
    assert results["stuck.md"].error == reason
    assert results["slow.htm"].error == reason
    assert time.monotonic() - started < 20


def test_a_reader_that_exhausts_memory_fails_with_the_limit_and_its_worker_goes_on(tmp_path, monkeypatch):
    from pipeline import readers

    def allocate(data: bytes, limits: Limits) -> None:
        blocks = [bytearray(64 * MB) for _ in range(limits.memory_mb // 64 + 2)]
        raise AssertionError(f"allocated {len(blocks) * 64} MB past the limit")

    monkeypatch.setitem(readers.READERS, ".md", allocate)
    (tmp_path / "greedy.md").write_text("anything", encoding="utf-8")
    results = run(tmp_path, [tmp_path / "greedy.md"], Limits(memory_mb=512), workers=1)
    assert results["greedy.md"].error == (
        "reading needed more than 512 MB of memory; the file may be damaged or built to exhaust it"
    )


def test_a_file_that_kills_its_reader_fails_alone_in_the_single_worker_path(tmp_path, monkeypatch):
    """Fewer files than PARALLEL_THRESHOLD still go through a worker: a crash is contained."""
    import os

    from pipeline import readers

    monkeypatch.setitem(readers.READERS, ".md", lambda data, limits: os._exit(1))
    (tmp_path / "crash.md").write_text("anything", encoding="utf-8")
    results = run(tmp_path, [tmp_path / "crash.md"], workers=1)
    assert results["crash.md"].error == ingest.CRASHED


def test_settings_override_the_limits():
    from assets.settings import GongkaiSettings

    limits = GongkaiSettings(file_seconds=5, file_memory_mb=300, max_pdf_pages=40).limits
    assert (limits.seconds, limits.memory_mb, limits.pdf_pages) == (5, 300, 40)
    assert (limits.file_mb, limits.html_mb, limits.unpacked_mb) == (200, 30, 256)
    assert GongkaiSettings().limits == DEFAULT_LIMITS


@pytest.mark.parametrize(
    ("head", "found"),
    [
        (b"<!DOCTYPE html><html>", ("an HTML page", ".html")),
        (b'\xef\xbb\xbf  <?xml version="1.0"?>\n<!-- saved from url -->\n<html xmlns="x">', ("an HTML page", ".html")),
        (b"<!-- a --><!-- b --> <HEAD>", ("an HTML page", ".html")),
        (b"junk before the header %PDF-1.4", ("a PDF", ".pdf")),
        (b"PK\x03\x04", ("a zip archive", ".docx")),
        (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1", ("a legacy Word 97-2003 / WPS file", ".doc")),
        (b"hello <html>", None),  # text that mentions a tag is text
        (b"<htmlx>", None),
    ],
)
def test_what_a_file_is_comes_from_its_first_bytes(head, found):
    from pipeline.readers import sniff

    assert sniff.kind(head) == found


def test_an_ingest_run_records_each_hostile_file_as_failed_and_loads_the_rest(tmp_path):
    """The CLI's run (the Dagster job; one worker, the path `gongkai ingest` takes on a few
    files) over the five seeds and three hostile files: each is a `failed` report with its reason."""
    import duckdb

    from pipeline.cli import run_ingest
    from tests.conftest import copy_seeds

    raw = copy_seeds(tmp_path / "raw")
    docx_inflating_its_body(raw / "bomb.docx", 300)
    pdf_of_pages(raw / "pages.pdf", 3000)
    nested_html(raw / "deep.html", 100_000)
    summary, _, _ = run_ingest(raw, tmp_path / "gongkai.duckdb", workers=1, ephemeral=True)
    with duckdb.connect(str(tmp_path / "gongkai.duckdb"), read_only=True) as con:
        failed = dict(con.execute("SELECT source_file, reason FROM reports WHERE status = 'failed'").fetchall())
    assert failed == {
        "bomb.docx": ".docx unpacks to 301 MB, more than the limit of 256 MB (a zip bomb, or a document padded "
        "with media): not read",
        "pages.pdf": "PDF of 3000 pages, more than the limit of 500: not read",
        "deep.html": "HTML page nested deeper than 200 levels; not a report page",
    }
    assert summary.statuses == {"loaded": 4, "partial": 1, "failed": 3}


def test_a_docx_cell_spanning_more_columns_than_word_allows_is_refused(tmp_path):
    """gridSpan="999999999" would be expanded into a billion blank cells."""
    path = tmp_path / "span.docx"
    with zipfile.ZipFile(DOCX) as src, zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as out:
        for member in src.infolist():
            data = src.read(member)
            if member.filename == "word/document.xml":
                data = data.replace(b'<w:gridSpan w:val="10"/>', b'<w:gridSpan w:val="999999999"/>')
            out.writestr(member, data)
    results = run(tmp_path, [path])
    assert results["span.docx"].error == "damaged .docx file: a table cell spans 999999999 columns, more than Word's 63"
