"""Reading real-world mail: headers decoded to clean one-line strings, bodies to text, attachments kept.

Nothing here trusts the sender: every decoded header has CR, LF and other control characters removed
(CVE-2024-6923: a parsed header object must never be re-used for outgoing mail; we only hand out plain
``str``), charsets fall back (declared → UTF-8 → Windows-1252 → Latin-1), HTML becomes plain text.
Headers are read with ``compat32`` and decoded by hand, so a malformed header can never raise; bodies and
MIME structure with ``email.policy.default``.
"""
from __future__ import annotations

import codecs
import hashlib
import re
from dataclasses import dataclass, field
from email import message_from_bytes, policy
from email.header import decode_header
from email.message import Message
from email.utils import getaddresses, parseaddr

from app.mail.html import html_to_text
from app.mail.quotes import trim_quoted

# Control characters (C0 but tab, DEL, C1) and every character str.splitlines() breaks on.
CONTROL = re.compile(r"[\x00-\x08\x0a-\x1f\x7f-\x9f\u2028\u2029]")
BODY_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f\x80-\x9f\u2028\u2029]")
MESSAGE_ID = re.compile(r"<([^<>\s]{1,900})>")
ANGLE_ADDRESS = re.compile(r"<([^<>\s@]+@[^<>\s@]+)>\s*$")
FALLBACK_CHARSETS = ("utf-8", "cp1252", "latin-1")
AUTO_SENDERS = re.compile(
    r"^(mailer-daemon|postmaster|abuse|root|noreply|no-reply|no_reply|donotreply|do-not-reply|bounces?)"
    r"([+\-.][^@]*)?@", re.IGNORECASE)


@dataclass
class MailAttachment:
    filename: str
    content_type: str  # as declared by the sender (the attachment service decides from the bytes)
    data: bytes
    inline: bool = False


@dataclass
class ParsedMail:
    message_id: str | None
    subject: str
    from_name: str
    from_address: str
    to: list[str]
    date: str
    in_reply_to: list[str]
    references: list[str]
    text: str  # the whole body as text
    reply_text: str  # the body with quoted earlier messages and signature trimmed
    attachments: list[MailAttachment] = field(default_factory=list)
    noise: str | None = None  # why this is an automatic mail (auto-reply, list, bounce...) or None
    no_answer: str | None = None  # why the sender asked for no automatic answer (a person's mail all the same)
    is_bounce: bool = False
    bounced_ids: list[str] = field(default_factory=list)  # Message-IDs of the mail that bounced
    html_only: bool = False

    @property
    def thread_ids(self) -> list[str]:
        """Message-IDs this mail answers, most recent first (In-Reply-To, then References right to left)."""
        seen, ordered = set(), []
        for mid in [*self.in_reply_to, *reversed(self.references)]:
            if mid not in seen:
                seen.add(mid)
                ordered.append(mid)
        return ordered


def clean_header(value: str) -> str:
    """One line: control characters (CR, LF, NUL, U+2028...) become spaces, runs of blanks one space."""
    return " ".join(CONTROL.sub(" ", value).split())


def decode_bytes(data: bytes, charset: str | None) -> str:
    """Decode with the declared charset when it works, else UTF-8, Windows-1252 and Latin-1 (never fails).

    A part declared Latin-1/ASCII whose bytes are valid multi-byte UTF-8 is UTF-8 mislabelled; Latin-1 is
    read as its superset cp1252 (a byte cp1252 leaves undefined falls back to Latin-1)."""
    declared = _charset(charset)
    if declared in ("latin-1", "cp1252", "ascii") and not data.isascii():
        try:
            return data.decode("utf-8")
        except UnicodeDecodeError:
            pass
    for name in ([declared] if declared else []) + list(FALLBACK_CHARSETS):
        try:
            return data.decode(name)
        except (UnicodeDecodeError, LookupError):
            continue
    return data.decode("latin-1", errors="replace")  # unreachable: latin-1 decodes every byte


def _charset(name: str | None) -> str | None:
    if not name:
        return None
    try:
        canonical = codecs.lookup(name.strip().strip('"').lower()).name
    except LookupError:
        return None
    # Mail labelled ISO-8859-1 is written by Windows in cp1252 (curly quotes, €, … in 0x80-0x9F, which
    # Latin-1 reads as invisible control characters): read it as cp1252, like every browser does.
    return {"iso8859-1": "cp1252", "windows-1252": "cp1252"}.get(canonical, canonical)


def decode_header_value(raw: str | None) -> str:
    """RFC 2047 words decoded with charset fallback; the result is one clean line."""
    if raw is None:
        return ""
    raw = str(raw)
    if any("\udc80" <= c <= "\udcff" for c in raw):  # raw 8-bit header bytes (RFC 6532 or careless)
        raw = decode_bytes(raw.encode("ascii", "surrogateescape"), "utf-8")
    try:
        parts = decode_header(raw)
    except Exception:  # a malformed encoded word: keep the text as it came
        return clean_header(raw)
    text = []
    for chunk, charset in parts:
        if isinstance(chunk, bytes):
            text.append(decode_bytes(chunk, charset or "ascii"))
        else:
            text.append(chunk)
    return clean_header("".join(text))


def message_ids(value: str) -> list[str]:
    """The ``<id>``s of a Message-ID, In-Reply-To or References header, without brackets."""
    return [clean_header(m) for m in MESSAGE_ID.findall(value or "") if clean_header(m)]


class RawHeaders:
    """Header values exactly as they came (no policy parsing, which can raise on malformed input)."""

    def __init__(self, message: Message):
        self._values: dict[str, list[str]] = {}
        for name, value in message.raw_items():
            self._values.setdefault(name.lower(), []).append(str(value))

    def get(self, name: str, default=None):
        values = self._values.get(name.lower())
        return values[0] if values else default

    def get_all(self, name: str, default=None):
        return self._values.get(name.lower(), default)


def parse(raw: bytes) -> ParsedMail:
    mail = message_from_bytes(raw, policy=policy.default)
    headers = RawHeaders(message_from_bytes(raw, policy=policy.compat32))
    h = lambda name: decode_header_value(headers.get(name))  # noqa: E731
    name, address = _from(headers)
    mids = message_ids(str(headers.get("Message-ID", "") or ""))
    parsed = ParsedMail(
        message_id=mids[0] if mids else None,
        subject=h("Subject")[:300],
        from_name=name,
        from_address=address,
        to=[clean_header(a).lower() for _n, a in getaddresses([clean_header(v) for v in headers.get_all("To", [])])
            if a],
        date=h("Date"),
        in_reply_to=message_ids(str(headers.get("In-Reply-To", "") or "")),
        references=message_ids(" ".join(str(v) for v in headers.get_all("References", []))),
        text="", reply_text="",
    )
    _read_body(mail, parsed)
    parsed.noise = noise_reason(headers, parsed)
    parsed.no_answer = no_answer_reason(headers)
    parsed.reply_text = trim_quoted(parsed.text)
    return parsed


def _from(headers: RawHeaders) -> tuple[str, str]:
    """The address comes from the raw header: an encoded word (which may hide "<x@evil>" or a line break)
    can only ever be part of the display name."""
    name, address = _address(headers.get("From"))
    return name, address


def _address(raw: str | None) -> tuple[str, str]:
    if not raw:
        return "", ""
    value = str(raw)
    if any("\udc80" <= c <= "\udcff" for c in value):
        value = decode_bytes(value.encode("ascii", "surrogateescape"), "utf-8")
    value = clean_header(value)
    angle = ANGLE_ADDRESS.search(value)
    if angle:  # "Name <addr>": the name may hold anything (":" or "@" in an encoded word), the address not
        name, address = value[:angle.start()].strip().strip('"'), angle.group(1)
    else:
        name, address = parseaddr(value)
    address = clean_header(address).lower()
    if "@" not in address or " " in address or "=?" in address:
        address = ""
    return decode_header_value(name), address


def noise_reason(headers: RawHeaders, parsed: ParsedMail) -> str | None:
    """Why the mail was written by a machine (RFC 3834 and the usual vendor headers), or None."""
    get = lambda name: decode_header_value(headers.get(name)).lower()  # noqa: E731
    if parsed.is_bounce:
        return "bounce"
    auto = get("Auto-Submitted")
    if auto and auto != "no":
        return f"auto-submitted: {auto}"
    if get("Precedence") in ("bulk", "junk", "list"):
        return f"precedence: {get('Precedence')}"
    for name in ("X-Autoreply", "X-Autorespond", "X-Loop", "X-RT-Loop-Prevention"):
        if headers.get(name) is not None:
            return name.lower()
    if headers.get("List-Id") is not None or headers.get("List-Unsubscribe") is not None:
        return "mailing list"
    if not parsed.from_address or AUTO_SENDERS.match(parsed.from_address):
        return f"automatic sender: {parsed.from_address or '-'}"
    return None


def no_answer_reason(headers: RawHeaders) -> str | None:
    """Headers that ask us not to answer automatically. Outlook puts X-Auto-Response-Suppress on mail
    people write, and a null Return-Path comes from senders that cannot take replies: the mail is read
    (a ticket, a comment), it just never gets an automatic answer."""
    if headers.get("X-Auto-Response-Suppress") is not None:
        return "x-auto-response-suppress"
    if decode_header_value(headers.get("Return-Path")).strip() == "<>":
        return "null return path"
    return None


def _read_body(mail: Message, parsed: ParsedMail) -> None:
    plain, html = None, None
    report = mail.get_content_type() == "multipart/report"
    for part in mail.walk():
        ctype = part.get_content_type()
        if ctype == "message/delivery-status":
            report = True
        if ctype in ("message/rfc822", "text/rfc822-headers"):
            parsed.bounced_ids.extend(_embedded_ids(part))
            continue
        if part.is_multipart() or _inside_embedded(part, mail):
            continue
        filename = _filename(part)
        disposition = (part.get_content_disposition() or "").lower()
        if filename or disposition == "attachment" or not ctype.startswith("text/"):
            if ctype.startswith("message/") or ctype == "application/pgp-signature":
                continue
            data = part.get_payload(decode=True) or b""
            parsed.attachments.append(MailAttachment(
                filename=filename or _default_name(ctype), content_type=ctype, data=data,
                inline=disposition == "inline" or bool(part.get("Content-ID"))))
            continue
        text = decode_bytes(part.get_payload(decode=True) or b"", part.get_param("charset"))
        if ctype == "text/html" and html is None:
            html = text
        elif ctype != "text/html" and plain is None:
            plain = text
    parsed.is_bounce = report and bool(parsed.bounced_ids or mail.get_content_type() == "multipart/report")
    if plain is None and html is not None:
        parsed.html_only = True
        plain = html_to_text(html)
    parsed.text = BODY_CONTROL.sub("", (plain or "").replace("\r\n", "\n").replace("\r", "\n")).strip()


def _inside_embedded(part: Message, root: Message) -> bool:
    """Parts of an attached message/rfc822 are walked too: they belong to that message, not ours."""
    return getattr(part, "_atiende_embedded", False)


def _embedded_ids(part: Message) -> list[str]:
    """Message-IDs named by an embedded message (bounce: the original we sent) and mark its parts."""
    if part.get_content_type() == "text/rfc822-headers":
        payload = part.get_payload(decode=True) or b""
        inner = RawHeaders(message_from_bytes(payload, policy=policy.compat32))
        return message_ids(str(inner.get("Message-ID", "") or ""))
    found = []
    for inner in part.get_payload() if isinstance(part.get_payload(), list) else []:
        for sub in inner.walk():
            sub._atiende_embedded = True
        found.extend(message_ids(str(RawHeaders(inner).get("Message-ID", "") or "")))
    return found


def _filename(part: Message) -> str:
    try:
        name = part.get_filename()
    except Exception:
        name = None
    return decode_header_value(name) if name else ""


def _default_name(ctype: str) -> str:
    extension = {"image/png": "png", "image/jpeg": "jpg", "image/gif": "gif", "application/pdf": "pdf"}
    return f"adjunto.{extension.get(ctype, 'bin')}"


def fallback_key(parsed: ParsedMail, raw: bytes) -> str:
    """Identity of a mail without Message-ID: From + Date + Subject + body (a redelivery adds Received
    headers, which must not make it another mail). Input with none of those headers is keyed on all of its
    bytes: two different unreadable inputs are never each other's duplicate."""
    _head, _sep, body = raw.replace(b"\r\n", b"\n").partition(b"\n\n")
    if not (parsed.from_address or parsed.date or parsed.subject):
        body = raw
    material = "\0".join([parsed.from_address, parsed.date, parsed.subject]).encode() + b"\0" + body
    return hashlib.sha256(material).hexdigest()


def key_of(message_id: str) -> str:
    return hashlib.sha256(message_id.encode("utf-8", errors="replace")).hexdigest()
