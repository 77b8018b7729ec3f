"""Attachment type detection never decompresses more than a few bytes of an archive (issue 9, item 1)."""
from __future__ import annotations

import io
import subprocess
import sys
import textwrap
import zipfile

from app.services.cases import attachment_service

ODT = "application/vnd.oasis.opendocument.text"
EXPANDED_MB = 256


def _odt(mimetype_padding_mb: int = 0) -> bytes:
    """An .odt whose ``mimetype`` member is followed by ``mimetype_padding_mb`` MB of spaces (a zip bomb
    that ``strip()`` would still read as an .odt); written in 1 MB chunks so the test itself stays small."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        with archive.open("mimetype", "w", force_zip64=True) as member:
            member.write(ODT.encode())
            chunk = b" " * (1024 * 1024)
            for _ in range(mimetype_padding_mb):
                member.write(chunk)
        archive.writestr("content.xml", "<office:document-content/>")
    return buffer.getvalue()


def _docx(member_mb: int = 0) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("[Content_Types].xml", "<Types/>")
        with archive.open("word/document.xml", "w", force_zip64=True) as member:
            member.write(b"<w:document/>")
            chunk = b"\0" * (1024 * 1024)
            for _ in range(member_mb):
                member.write(chunk)
    return buffer.getvalue()


def test_office_documents_are_still_recognised():
    assert attachment_service.sniff(_odt()) == ODT
    assert attachment_service.sniff(_docx()) == attachment_service.OFFICE_ZIP["word/"]


def test_archive_declaring_an_absurd_expansion_is_refused():
    bomb = _docx(member_mb=64)
    assert len(bomb) < 1024 * 1024
    assert attachment_service.sniff(bomb) is None


def test_zip_bomb_is_detected_within_a_small_memory_limit(tmp_path):
    """Type detection of a ~300 KB .odt whose ``mimetype`` expands to 256 MB, in a process whose address
    space may grow only 64 MB: reading the whole member (the old code) dies of MemoryError there."""
    bomb = tmp_path / "bomba.odt"
    bomb.write_bytes(_odt(mimetype_padding_mb=EXPANDED_MB))
    assert bomb.stat().st_size < 2 * 1024 * 1024
    probe = textwrap.dedent(f"""
        import resource, sys
        from app.services.cases import attachment_service
        data = open({str(bomb)!r}, "rb").read()
        with open("/proc/self/statm") as statm:
            in_use = int(statm.read().split()[0]) * resource.getpagesize()
        limit = in_use + 64 * 1024 * 1024
        resource.setrlimit(resource.RLIMIT_AS, (limit, limit))
        print(attachment_service.sniff(data))
    """)
    done = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr[-2000:]
    assert done.stdout.strip() == "None"
