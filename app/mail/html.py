"""HTML mail to plain text with the standard library's parser: no markup survives, scripts and styles
are dropped, blocks become lines, links keep their address, quoted blocks get "> " (so they trim)."""
from __future__ import annotations

import re
from html.parser import HTMLParser

BLOCKS = {"p", "div", "br", "tr", "li", "h1", "h2", "h3", "h4", "h5", "h6", "table", "ul", "ol", "hr",
          "blockquote", "pre", "section", "article", "header", "footer"}
SKIP = {"script", "style", "head", "title", "template", "noscript", "svg", "object", "iframe"}


class _Text(HTMLParser):
    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.lines: list[str] = [""]
        self.skip = 0
        self.quote = 0
        self.href: list[str | None] = []
        self.divs: list[bool] = []  # per open <div>: does it open a quote (Gmail's class="gmail_quote")?

    def _newline(self):
        self.lines.append("")

    def handle_starttag(self, tag, attrs):
        if tag in SKIP:
            self.skip += 1
        elif tag == "blockquote" or (tag == "div" and "gmail_quote" in (dict(attrs).get("class") or "")):
            if tag == "div":
                self.divs.append(True)
            self.quote += 1
            self._newline()
        elif tag in BLOCKS:
            if tag == "div":
                self.divs.append(False)
            self._newline()
            if tag == "li":
                self.lines[-1] = "- "
        if tag == "a":
            self.href.append(dict(attrs).get("href"))
        elif tag == "img":
            alt = dict(attrs).get("alt")
            if alt:
                self.handle_data(f"[{alt}]")

    def handle_endtag(self, tag):
        if tag in SKIP:
            self.skip = max(0, self.skip - 1)
        elif tag == "blockquote" or (tag == "div" and self.divs and self.divs.pop()):
            self.quote = max(0, self.quote - 1)
            self._newline()
        elif tag in BLOCKS:
            self._newline()
        if tag == "a" and self.href:
            href = self.href.pop()
            if href and href.startswith(("http://", "https://", "mailto:")) and href not in self.lines[-1]:
                self.lines[-1] += f" ({href.removeprefix('mailto:')})"

    def handle_data(self, data):
        if self.skip:
            return
        text = re.sub(r"\s+", " ", data)
        if not text.strip() and not self.lines[-1]:
            return
        if not self.lines[-1] and self.quote:
            self.lines[-1] = "> " * self.quote
        self.lines[-1] += text


def html_to_text(html: str) -> str:
    parser = _Text()
    try:
        parser.feed(html)
        parser.close()
    except Exception:  # the parser is lenient; anything odd still yields the text read so far
        pass
    lines = [line.rstrip() for line in parser.lines]
    text = "\n".join(lines)
    return re.sub(r"\n{3,}", "\n\n", text).strip()
