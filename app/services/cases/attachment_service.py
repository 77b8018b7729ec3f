"""Ticket attachments: the type is read from the bytes, the file is kept outside the static folder under a
random name (``instance/attachments/`` or ``ATTACHMENT_DIR``), with its size and SHA-256 in the database.

Callers commit: ``store`` runs inside the caller's transaction (intake, staff upload, portal upload). The
file is written before the commit; a rolled-back transaction leaves an orphan file, never a row without
its file. ``open_for_download`` does not authorize: the caller checks that the user may see the ticket,
and serves the file as ``attachment`` with ``X-Content-Type-Options: nosniff`` (ASVS V12.5).
"""
from __future__ import annotations

import hashlib
import io
import os
import re
import secrets
import unicodedata
import zipfile
from pathlib import Path

from flask import current_app

from app.errors import NotFound, ValidationFailed
from app.extensions import db
from app.i18n import _
from app.models import Ticket, TicketEvent, User
from app.models.attachment import ATTACHMENT_SOURCES, Attachment

DEFAULT_MAX_BYTES = 10 * 1024 * 1024
# Zip-based documents (odt, docx...): what their central directory may declare before we refuse them.
ZIP_PEEK_BYTES = 256  # the most ever decompressed from one member (the ``mimetype`` entry is ~40 bytes)
ZIP_MAX_MEMBERS = 5000
ZIP_MAX_EXPANDED_BYTES = 200 * 1024 * 1024
ZIP_MAX_RATIO = 200  # XML compresses ~5-20x; a bomb declares thousands
OFFICE_ZIP = {"word/": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
              "xl/": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
              "ppt/": "application/vnd.openxmlformats-officedocument.presentationml.presentation"}
MAGIC = [
    (b"\x89PNG\r\n\x1a\n", "image/png"),
    (b"\xff\xd8\xff", "image/jpeg"),
    (b"GIF87a", "image/gif"),
    (b"GIF89a", "image/gif"),
    (b"%PDF-", "application/pdf"),
    (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1", "application/msword"),  # OLE2: .doc/.xls/.ppt
]
EXECUTABLE = [b"MZ", b"\x7fELF", b"#!", b"\xca\xfe\xba\xbe", b"\xfe\xed\xfa", b"\xcf\xfa\xed\xfe", b"\xce\xfa\xed\xfe"]
MARKUP = re.compile(rb"<\s*(!doctype\s+html|html|svg|script|body|iframe|\?xml)", re.IGNORECASE)
EXTENSION = {"image/png": "png", "image/jpeg": "jpg", "image/gif": "gif", "image/webp": "webp",
             "application/pdf": "pdf", "application/msword": "doc", "text/plain": "txt",
             "application/vnd.oasis.opendocument.text": "odt",
             "application/vnd.oasis.opendocument.spreadsheet": "ods", OFFICE_ZIP["word/"]: "docx",
             OFFICE_ZIP["xl/"]: "xlsx", OFFICE_ZIP["ppt/"]: "pptx"}


class Refused(ValidationFailed):
    """The file may not be kept (type or size); ``message`` says why, in Spanish."""


def sniff(data: bytes) -> str | None:
    """The content type the bytes are, among those we keep; None when we don't keep this kind of file."""
    head = data[:2048]
    if any(head.startswith(sig) for sig in EXECUTABLE):
        return None
    for signature, ctype in MAGIC:
        if head.startswith(signature):
            return ctype
    if head[:4] == b"RIFF" and head[8:12] == b"WEBP":
        return "image/webp"
    if head.startswith(b"PK\x03\x04"):
        return _zip_document(data)
    if MARKUP.search(head):
        return None  # HTML, SVG, XML: a browser could run them
    return "text/plain" if _is_text(data) else None


def _zip_document(data: bytes) -> str | None:
    """Office documents are zip files; any other zip (it could carry anything) is refused.

    Only the central directory and at most ``ZIP_PEEK_BYTES`` of the ``mimetype`` member are read, so a
    member that expands to gigabytes (a zip bomb) costs no more than a normal file; archives whose declared
    sizes or compression ratios no office document has are refused without decompressing anything.
    """
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            members = archive.infolist()
            if not _plausible_archive(members, len(data)):
                return None
            names = [m.filename for m in members]
            if "mimetype" in names:
                with archive.open("mimetype") as member:
                    kind = member.read(ZIP_PEEK_BYTES).decode("ascii", "replace").strip()
                return kind if kind.startswith("application/vnd.oasis.opendocument.") else None
    except (zipfile.BadZipFile, zipfile.LargeZipFile, NotImplementedError, OSError, KeyError, RuntimeError,
            ValueError, EOFError):
        return None
    if "[Content_Types].xml" in names:
        for prefix, ctype in OFFICE_ZIP.items():
            if any(n.startswith(prefix) for n in names):
                return ctype
    return None


def _plausible_archive(members: list[zipfile.ZipInfo], archive_size: int) -> bool:
    """Declared sizes an office document can have: few members, bounded total, no absurd ratio."""
    if len(members) > ZIP_MAX_MEMBERS:
        return False
    declared = sum(m.file_size for m in members)
    if declared > ZIP_MAX_EXPANDED_BYTES or declared > ZIP_MAX_RATIO * max(archive_size, 1):
        return False
    return all(m.file_size <= ZIP_MAX_RATIO * max(m.compress_size, 1) + ZIP_PEEK_BYTES for m in members)


def _is_text(data: bytes) -> bool:
    sample = data[:8192]
    if b"\x00" in sample:
        return False
    try:
        text = sample.decode("utf-8")
    except UnicodeDecodeError:
        text = sample.decode("cp1252", errors="replace")
    printable = sum(1 for c in text if c.isprintable() or c in "\r\n\t")
    return printable >= 0.95 * max(1, len(text))


def sanitize_filename(name: str) -> str:
    """A name to show: no path, no control characters, at most 200 characters; never used on disk."""
    name = unicodedata.normalize("NFC", name or "")
    name = name.replace("\\", "/").rsplit("/", 1)[-1]
    name = "".join(c for c in name if c.isprintable() and c not in '<>:"|?*').strip().strip(".")
    return name[:200] or "adjunto"


def attachments_dir() -> Path:
    configured = current_app.config.get("ATTACHMENT_DIR") or ""
    path = Path(configured) if configured else Path(current_app.instance_path) / "attachments"
    path.mkdir(parents=True, exist_ok=True)
    return path


def store(ticket: Ticket, filename: str, data: bytes, *, source: str, actor: User | None = None,
          event: TicketEvent | None = None) -> Attachment:
    """Keep ``data`` with ``ticket``; raise ``Refused`` when it is too big or of a kind we don't keep."""
    if source not in ATTACHMENT_SOURCES:
        raise ValueError(f"unknown attachment source {source!r}")
    name = sanitize_filename(filename)
    limit = int(current_app.config.get("ATTACHMENT_MAX_BYTES") or DEFAULT_MAX_BYTES)
    if len(data) > limit:
        raise Refused(_("The file %(name)s is larger than %(size)s MB.", name=name, size=limit // (1024 * 1024)))
    if not data:
        raise Refused(_("The file %(name)s is empty.", name=name))
    ctype = sniff(data)
    if ctype is None:
        raise Refused(_("Files like %(name)s are not accepted (allowed: images, PDF, office documents, text).",
                        name=name))
    if event is not None and event.id is None:
        db.session.flush()
    stored = f"{secrets.token_hex(16)}.{EXTENSION.get(ctype, 'bin')}"
    folder = attachments_dir()
    temporary = folder / f".{stored}.tmp"
    with open(temporary, "wb") as handle:
        handle.write(data)
        handle.flush()
        os.fsync(handle.fileno())
    os.replace(temporary, folder / stored)
    attachment = Attachment(ticket_id=ticket.id, ticket_event_id=event.id if event is not None else None,
                            original_name=name, stored_name=stored, content_type=ctype, size=len(data),
                            sha256=hashlib.sha256(data).hexdigest(), uploaded_by_id=actor.id if actor else None,
                            source=source)
    db.session.add(attachment)
    return attachment


def open_for_download(attachment_id: int) -> tuple[Attachment, Path]:
    """The attachment and the path of its file (the caller authorizes and serves it as a download)."""
    attachment = db.session.get(Attachment, attachment_id)
    if attachment is None:
        raise NotFound(_("Attachment not found."))
    path = attachments_dir() / attachment.stored_name
    if not path.is_file():
        raise NotFound(_("Attachment not found."))
    return attachment, path


def of_ticket(ticket: Ticket) -> list[Attachment]:
    return list(db.session.scalars(db.select(Attachment).where(Attachment.ticket_id == ticket.id)
                                   .order_by(Attachment.id)))
