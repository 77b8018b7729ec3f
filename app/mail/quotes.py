"""Trim what a reply quotes from earlier mail (and the signature), for the timeline; the full mail is kept."""
from __future__ import annotations

import re

# A line that opens the quoted earlier message, in the usual Spanish and English mail clients.
ATTRIBUTION = re.compile(
    r"^\s*(El\s.{0,200}escribi[óo]\s*:|On\s.{0,200}wrote\s*:|-{2,}\s*(Original Message|Mensaje original|"
    r"Forwarded message|Mensaje reenviado)\s*-{2,}|_{10,}\s*$|(De|From)\s*:\s.+)", re.IGNORECASE)
SIGNATURE = re.compile(r"^(-- ?|—)$")
SENT_FROM = re.compile(r"^\s*(Enviado desde|Sent from) mi? ?(iPhone|Android|móvil|my)", re.IGNORECASE)


def trim_quoted(text: str) -> str:
    lines = text.split("\n")
    kept: list[str] = []
    for i, line in enumerate(lines):
        stripped = line.strip()
        if stripped.startswith(">") or SIGNATURE.match(line.rstrip()) or SENT_FROM.match(line):
            if stripped.startswith(">") and _rest_is_quote(lines[i:]):
                break
            if not stripped.startswith(">"):
                break
            continue  # a quoted line between the answer's lines (inline answer): drop it, keep going
        if ATTRIBUTION.match(line) or _wrapped_attribution(lines, i):
            break
        kept.append(line)
    result = "\n".join(kept).strip()
    return result or text.strip()


def _rest_is_quote(rest: list[str]) -> bool:
    return all(not line.strip() or line.strip().startswith(">") for line in rest)


def _wrapped_attribution(lines: list[str], i: int) -> bool:
    """Gmail wraps "El lun, 2 mar 2026 a las 10:00, Atiende (<x@y>)\\nescribió:" over two lines."""
    if i + 1 >= len(lines):
        return False
    joined = lines[i].strip() + " " + lines[i + 1].strip()
    return bool(re.match(r"^(El|On)\s.{0,200}(escribi[óo]|wrote)\s*:\s*$", joined, re.IGNORECASE))
