"""What one raw file may cost, defined once (outside ``pipeline.readers``, so that settings and
the scan import it without importing the readers): its size, what it unpacks to, its pages and
nesting, and the time and memory reading it may take.

Reports come from the open web. A file that would cost more than these limits is not read:
it becomes a ``failed`` report whose reason names the limit it broke (``LimitExceeded``,
an ``UnreadableFile``), so a person knows what to do and the other files of the run go on.
The defaults are far above any real annual report (a few dozen pages, a few MB) and far
below what would take the machine down. ``assets.settings.GongkaiSettings`` overrides them.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass

from pipeline.document import UnreadableFile

MB = 1 << 20


class LimitExceeded(UnreadableFile):
    """The file breaks one of the ``Limits``; the message names the limit and its value."""


@dataclass(frozen=True)
class Limits:
    """Per-file limits. Sizes in MB (2**20 bytes), time in seconds of wall clock."""

    file_mb: int = 200  # a PDF or DOCX, checked before it is read (scans and photos make big files)
    html_mb: int = 30  # an HTML page: government pages are well under 5 MB
    text_mb: int = 20  # a .txt or .md copy: a report's text is well under 1 MB
    html_tags: int = 500_000  # '<' in an HTML page, counted before parsing (each is a tree node)
    # libxml2's HTML parser silently re-parents elements nested deeper than 255 levels, which
    # could move a table's cells; a page nested deeper than this fails instead of being misread.
    html_depth: int = 200
    unpacked_mb: int = 256  # all members of a DOCX (a zip), as their headers declare
    # one XML part of a DOCX (python-docx parses each into a tree of ~5x its size); a
    # report's word/document.xml is 1-3 MB
    xml_member_mb: int = 50
    zip_members: int = 10_000  # a DOCX has a few dozen
    zip_ratio: int = 200  # unpacked / packed size of a member: Word XML packs 10-40:1, zeros 1000:1
    zip_ratio_floor_mb: int = 1  # members smaller than this may pack as tightly as they like
    pdf_pages: int = 500
    seconds: float = 120.0  # reading and parsing one file, in its worker process
    memory_mb: int = 2048  # what a worker may allocate on top of what it starts with

    def size_limit(self, suffix: str) -> tuple[int, str]:
        """(limit in MB, what to call the file) for a file of this extension."""
        if suffix in (".htm", ".html"):
            return self.html_mb, "HTML page"
        if suffix in (".txt", ".md"):
            return self.text_mb, "text file"
        return self.file_mb, "file"

    def file_too_large(self, size: int, limit_mb: int, kind: str = "file") -> LimitExceeded:
        return LimitExceeded(f"{kind} of {size / MB:.0f} MB is larger than the limit of {limit_mb} MB")

    def xml_member_too_large(self, name: str, size: int) -> LimitExceeded:
        return LimitExceeded(
            f".docx part '{name}' unpacks to {size / MB:.0f} MB, more than the limit of {self.xml_member_mb} MB "
            "for one part: not read"
        )

    def html_too_many_tags(self, tags: int) -> LimitExceeded:
        return LimitExceeded(f"HTML page with {tags} tags, more than the limit of {self.html_tags}")

    def html_too_deep(self) -> LimitExceeded:
        return LimitExceeded(f"HTML page nested deeper than {self.html_depth} levels; not a report page")

    def unpacks_too_large(self, size: int) -> LimitExceeded:
        return LimitExceeded(
            f".docx unpacks to {size / MB:.0f} MB, more than the limit of {self.unpacked_mb} MB "
            "(a zip bomb, or a document padded with media): not read"
        )

    def too_many_members(self, members: int) -> LimitExceeded:
        return LimitExceeded(f".docx holds {members} files, more than the limit of {self.zip_members}: not read")

    def packed_too_tightly(self, name: str, ratio: float) -> LimitExceeded:
        return LimitExceeded(
            f".docx member '{name}' unpacks to {ratio:.0f} times its packed size, more than the limit "
            f"of {self.zip_ratio} (a zip bomb): not read"
        )

    def too_many_pages(self, pages: int) -> LimitExceeded:
        return LimitExceeded(f"PDF of {pages} pages, more than the limit of {self.pdf_pages}: not read")

    def too_slow(self) -> str:
        return f"reading took longer than {self.seconds:g} s; the file may be damaged or built to stall the reader"

    def too_much_memory(self) -> str:
        return f"reading needed more than {self.memory_mb} MB of memory; the file may be damaged or built to exhaust it"


DEFAULT_LIMITS = Limits()


def release_memory() -> None:
    """Collect cycles and ask glibc to hand freed heap pages back to the system: a step that
    held much (a shard's parsed chunks, GX's context and results) and is done with it calls
    this, so the steps after it start from the process's size, not from its high-water mark
    (the run's peak is the largest step's, not the sum of what each left behind)."""
    import contextlib
    import ctypes
    import gc

    gc.collect()
    with contextlib.suppress(OSError, AttributeError):  # not glibc: nothing to hand back this way
        ctypes.CDLL("libc.so.6").malloc_trim(0)


@contextmanager
def frozen_heap() -> Iterator[None]:
    """Leave what the process holds on entry out of the garbage collector's walks until exit
    (``gc.freeze``): a step that makes and drops millions of objects (a shard's unpickled rows,
    GX's results) would otherwise have every full collection walk the Dagster, pandas and GX
    objects the process held before it, which live on anyway. On exit they are ordinary
    objects again (``gc.unfreeze``), in the oldest generation."""
    import gc

    gc.freeze()
    try:
        yield
    finally:
        gc.unfreeze()
