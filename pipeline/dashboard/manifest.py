"""The report pages a dashboard build carries over from the site it replaces.

A site records in ``reports/.manifest.json`` the digest of every report page it holds
(``report_inputs.digests``: everything the page shows, and the code drawing it). The next build
draws only the pages whose digest is new or changed and hard-links the others from the site it
replaces (copies them where the filesystem has no hard links), so a run costs the pages it
changes, not every report the warehouse holds. A page of a report the warehouse no longer shows
is not carried over. The build still writes a whole new folder and swaps it in, so a reader
never sees half a site, and a page once written is never written again (a link shares it).

The old site is read through a descriptor of its reports folder, so the manifest and the pages
come from one folder even should another build swap the site meanwhile; a page that cannot be
carried over (gone, unreadable) is drawn again. No manifest, or one unreadable: every page is.
"""

from __future__ import annotations

import errno
import json
import os
from pathlib import Path

MANIFEST = ".manifest.json"  # in the reports folder, beside the pages it describes
VERSION = 1
_NO_LINK = {errno.EXDEV, errno.EPERM, errno.EMLINK, errno.ENOTSUP, errno.EOPNOTSUPP}  # then a copy


def carry_over(reports_dir: Path, wanted: dict[str, str], target: Path) -> list[str]:
    """Link into ``target`` (the new site's reports folder) each page of ``reports_dir`` (the
    current site's) whose recorded digest is the one in ``wanted`` (report_id -> digest);
    returns the report ids left to draw, in ``wanted``'s order."""
    try:
        fd = os.open(reports_dir, os.O_RDONLY | os.O_DIRECTORY)
    except OSError:
        return list(wanted)
    try:
        recorded = _read(fd)
        return [rid for rid, digest in wanted.items() if recorded.get(rid) != digest or not _link(fd, rid, target)]
    finally:
        os.close(fd)


def write(target: Path, pages: dict[str, str]) -> None:
    """Record the digest of every page of ``target`` (written last: the pages are there)."""
    text = json.dumps({"version": VERSION, "pages": dict(sorted(pages.items()))}, separators=(",", ":"))
    (target / MANIFEST).write_text(text + "\n", encoding="utf-8")


def page_name(report_id: str) -> str:
    return f"{report_id}.html"


def _read(fd: int) -> dict[str, str]:
    try:
        with open(MANIFEST, encoding="utf-8", opener=lambda path, flags: os.open(path, flags, dir_fd=fd)) as f:
            manifest = json.load(f)
    except (OSError, ValueError):
        return {}
    pages = manifest.get("pages") if isinstance(manifest, dict) and manifest.get("version") == VERSION else None
    return pages if isinstance(pages, dict) else {}


def _link(fd: int, report_id: str, target: Path) -> bool:
    """The old page in the new folder, as a hard link (else a copy); False when it is not there."""
    name = page_name(report_id)
    try:
        os.link(name, target / name, src_dir_fd=fd, follow_symlinks=False)
        return True
    except FileNotFoundError:
        return False
    except OSError as error:
        if error.errno not in _NO_LINK:
            return False
    try:
        with open(name, "rb", opener=lambda path, flags: os.open(path, flags, dir_fd=fd)) as f:
            (target / name).write_bytes(f.read())
        return True
    except OSError:
        return False
