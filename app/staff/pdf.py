"""HTML pages printed to PDF with WeasyPrint. The printed templates carry their own styles and images are
never fetched: a ticket's text cannot make the server request a URL."""
from __future__ import annotations

from flask import Response


def _fetch_nothing(url: str, *args, **kwargs):
    raise ValueError(f"external resources are not fetched when printing ({url[:60]})")


def pdf_response(html: str, filename: str) -> Response:
    from weasyprint import HTML  # imported when a PDF is asked for: about a second of every process's start

    document = HTML(string=html, url_fetcher=_fetch_nothing).write_pdf()
    return Response(document, mimetype="application/pdf",
                    headers={"Content-Disposition": f'inline; filename="{filename}"'})
