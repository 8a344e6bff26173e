#!/usr/bin/env python3
"""Check that an HTML page references nothing outside itself.

usage: self_contained.py PAGE.html

Fails (exit 1, naming each find) on: an element that loads something
(src, href other than "#...", srcset, poster, data, action, <link>,
<base>, <iframe>, <object>, <embed>), url(...) or @import in a style,
and in a script any network or module loading (http:, https:, //host,
fetch, XMLHttpRequest, WebSocket, EventSource, import, importScripts,
Worker, sendBeacon).  Script blocks that are data (a type other than
JavaScript) are not read as code.
"""
import re
import sys
from html.parser import HTMLParser

LOADING_TAGS = {"link", "base", "iframe", "object", "embed", "frame", "img", "audio",
                "video", "source", "track", "picture"}
URL_ATTRS = {"src", "srcset", "poster", "data", "action", "formaction", "background",
             "manifest", "ping", "xlink:href"}
JS_BAD = [r"https?:", r"['\"`]//[a-z0-9]", r"\bfetch\s*\(", r"XMLHttpRequest", r"WebSocket",
          r"EventSource", r"\bimport\s*\(", r"^\s*import\s", r"importScripts", r"new\s+Worker",
          r"sendBeacon", r"\.src\s*=", r"\.href\s*="]
CSS_BAD = [r"url\s*\(", r"@import", r"https?:"]
JS_TYPES = {"", "text/javascript", "application/javascript", "module"}


class Page(HTMLParser):
    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.bad, self.stack, self.scripts, self.styles = [], [], 0, 0

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        if tag in LOADING_TAGS:
            self.bad.append(f"<{tag}> at line {self.getpos()[0]}")
        for k, v in attrs:
            if k in URL_ATTRS or (k == "href" and not (v or "").startswith("#")):
                self.bad.append(f"<{tag} {k}={v!r}> at line {self.getpos()[0]}")
            if k == "style":
                self.check(v or "", CSS_BAD, f"style attribute of <{tag}>")
            if k.startswith("on"):
                self.check(v or "", JS_BAD, f"{k} of <{tag}>")
        kind = None
        if tag == "script":
            kind = "js" if (a.get("type") or "").lower() in JS_TYPES else "data"
            self.scripts += kind == "js"
        elif tag == "style":
            kind = "css"
            self.styles += 1
        self.stack.append(kind)

    def handle_endtag(self, tag):
        if tag in ("script", "style") and self.stack:
            self.stack.pop()

    def handle_data(self, data):
        kind = self.stack[-1] if self.stack else None
        if kind == "js":
            self.check(data, JS_BAD, "script")
        elif kind == "css":
            self.check(data, CSS_BAD, "style")

    def check(self, text, patterns, where):
        for n, line in enumerate(text.splitlines(), 1):
            code = re.sub(r"^\s*//.*$", "", line)  # a comment line loads nothing
            for p in patterns:
                if re.search(p, code, re.I | re.M):
                    self.bad.append(f"{where}, its line {n}: {line.strip()[:120]}")


def main():
    if len(sys.argv) != 2:
        print(__doc__)
        return 2
    page = Page()
    with open(sys.argv[1], encoding="utf-8") as f:
        page.feed(f.read())
    page.close()
    if not page.scripts or not page.styles:
        page.bad.append(f"{page.scripts} scripts and {page.styles} styles: not a report page")
    for b in page.bad:
        print("FAIL", sys.argv[1], "references:", b)
    return 1 if page.bad else 0


if __name__ == "__main__":
    sys.exit(main())
