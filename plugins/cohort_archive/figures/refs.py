"""Find links and image references in report Markdown, outside code and HTML comments.

The scanner follows CommonMark closely enough for real reports: inline links and images (with
`<angle bracket>` destinations and titles), reference-style links with their definitions, raw `<img>`
and `<a>` tags, and `<scheme:...>` autolinks. Fenced code, inline code spans and HTML comments are
blanked out first, so examples such as `` `![my_image](figures/<image>.<extension>)` `` never count.
Every hit carries character offsets into the original text, so callers can rewrite it in place.
"""

from __future__ import annotations

import html
import posixpath
import re
from dataclasses import dataclass
from functools import lru_cache
from typing import Literal
from urllib.parse import unquote, urlsplit

from ..model import IMAGE_EXTENSIONS

RefKind = Literal["markdown", "html", "link", "autolink"]
Syntax = Literal["inline", "reference", "html", "autolink"]


@dataclass(frozen=True)
class ImageRef:
    """One reference to an image in Markdown text.

    `ref` is the destination as written (angle brackets and title removed; entities decoded for `<img>`).
    `start`/`end` span the whole construct (`![alt](path "title")`, `<img ...>`, `[text](x.png)`).
    """

    ref: str
    kind: RefKind
    start: int
    end: int


@dataclass(frozen=True)
class Link:
    """Any link-like construct: the scanner's full result, image or not.

    `dest_start`/`dest_end` span the destination where it is written inside this construct (-1 for
    reference-style uses, whose destination lives in a definition). `text_start`/`text_end` span the
    alt/link text between the brackets (-1 for HTML tags and autolinks).
    """

    dest: str
    syntax: Syntax
    image: bool  # `![...]` or `<img>`: an embedded image, whatever its file name
    start: int
    end: int
    dest_start: int = -1
    dest_end: int = -1
    text_start: int = -1
    text_end: int = -1
    angle: bool = False  # destination written as `<...>`

    @property
    def image_file(self) -> bool:
        """Whether the destination names an image file (by extension, ignoring query and fragment)."""
        return is_image_path(self.dest)

    @property
    def kind(self) -> RefKind | None:
        """The ImageRef kind when this is an image reference, else None."""
        if self.image:
            return "html" if self.syntax == "html" else "markdown"
        if not self.image_file:
            return None
        return "autolink" if self.syntax == "autolink" else "link"


def is_image_path(dest: str) -> bool:
    """True when `dest`'s path part ends in an image extension (case-insensitive)."""
    try:
        path = urlsplit(dest.strip()).path
    except ValueError:
        path = dest
    ext = posixpath.splitext(unquote(path))[1].lower()
    return ext in IMAGE_EXTENSIONS


def find_image_refs(markdown: str, *, definitions: dict[str, str] | None = None) -> list[ImageRef]:
    """Every image reference in `markdown`, in document order.

    Images (`![alt](path)`, `![alt][id]`, `<img src>`) count whatever their destination; plain links and
    autolinks count when they point at an image file. `definitions` adds link reference definitions
    from elsewhere in the document (label -> destination) to the ones found in `markdown`.
    """
    refs = []
    for link in find_links(markdown, definitions=definitions):
        kind = link.kind
        if kind is not None:
            refs.append(ImageRef(ref=link.dest, kind=kind, start=link.start, end=link.end))
    return refs


def find_code_image_refs(markdown: str) -> list[ImageRef]:
    """Images written inside code (`` `![alt](path)` `` or a fenced block): shown as code, not as images.

    The course template's own placeholder (`figures/<image>.<extension>`) is left out.
    """
    shown = {(r.start, r.end) for r in find_image_refs(markdown)}
    masked = mask_code(markdown, code=False)
    defs, masked = _take_definitions(masked)
    out = []
    for link in _bracket_links(markdown, masked, defs) + _html_links(markdown, masked):
        if link.image and (link.start, link.end) not in shown and "<image>.<extension>" not in link.dest:
            out.append(
                ImageRef(
                    ref=link.dest,
                    kind="html" if link.syntax == "html" else "markdown",
                    start=link.start,
                    end=link.end,
                )
            )
    return sorted(out, key=lambda r: r.start)


def find_links(markdown: str, *, definitions: dict[str, str] | None = None) -> list[Link]:
    """Every link, image, `<img>`, `<a href>` and autolink outside code, in document order."""
    masked = mask_code(markdown)
    defs, masked = _take_definitions(masked)
    known = {**{normalise_label(k): v for k, v in (definitions or {}).items()}, **defs}
    links = [
        *_bracket_links(markdown, masked, known),
        *_html_links(markdown, masked),
        *_autolinks(markdown, masked),
    ]
    links.sort(key=lambda link: (link.start, -link.end))
    return links


def find_definitions(markdown: str) -> dict[str, str]:
    """Link reference definitions (`[label]: destination`) outside code: normalised label -> destination."""
    return _take_definitions(mask_code(markdown))[0]


def normalise_label(label: str) -> str:
    """CommonMark label matching: case-insensitive, inner whitespace collapsed."""
    return " ".join(label.split()).casefold()


# --- masking code and comments ---------------------------------------------------------------------

_QUOTE_PREFIX = re.compile(r"^(?:[ \t]*>)*[ \t]*")
_FENCE_OPEN = re.compile(r"^(`{3,}|~{3,})(.*)$")


def mask_code(text: str, *, code: bool = True, comments: bool = True) -> str:
    """`text` with fenced code, inline code spans and HTML comments replaced by spaces (same offsets).

    `code=False` leaves code visible (only comments are blanked); `comments=False` the reverse.
    Masks and regions are cached per text: a report's answers are scanned several times.
    """
    return _mask(text, code, comments)


@lru_cache(maxsize=256)
def _mask(text: str, code: bool, comments: bool) -> str:
    spans = [
        (start, end)
        for start, end, kind in _code_regions(text)
        if (kind == "comment" and comments) or (kind != "comment" and code)
    ]
    return _blank(text, spans)


def _blank(text: str, spans: list[tuple[int, int]]) -> str:
    """`text` with every character but line feeds inside the (sorted, possibly overlapping) spans blanked."""
    if not spans:
        return text
    out = []
    pos = 0
    for start, end in spans:
        start = max(start, pos)
        if end <= start:
            continue
        out.append(text[pos:start])
        out.append("\n".join(" " * len(part) for part in text[start:end].split("\n")))
        pos = end
    out.append(text[pos:])
    return "".join(out)


def code_regions(text: str) -> list[tuple[int, int, str]]:
    """(start, end, kind) of every fenced code block ("fence"), code span ("span") and HTML comment."""
    return list(_code_regions(text))


@lru_cache(maxsize=256)
def _code_regions(text: str) -> tuple[tuple[int, int, str], ...]:
    regions: list[tuple[int, int, str]] = []
    if "```" in text or "~~~" in text:  # a fence needs three of either
        pos = 0
        closer: re.Pattern[str] | None = None
        fence_start = 0
        for line in text.splitlines(keepends=True):
            body = line[_QUOTE_PREFIX.match(line).end() :].rstrip("\r\n")  # type: ignore[union-attr]
            if closer is not None:
                if closer.fullmatch(body):
                    closer = None
                    regions.append((fence_start, pos + len(line), "fence"))
            else:
                m = _FENCE_OPEN.match(body)
                if m and not (m.group(1)[0] == "`" and "`" in m.group(2)):
                    closer = _fence_closer(m.group(1)[0], len(m.group(1)))
                    fence_start = pos
            pos += len(line)
        if closer is not None:  # an unclosed fence runs to the end of the document
            regions.append((fence_start, len(text), "fence"))
    masked = _blank(text, [(start, end) for start, end, _ in regions])

    # Inline code spans and HTML comments, left to right (whichever opens first wins).
    i = 0 if "`" in masked or "<!--" in masked else len(masked)
    while True:
        m = _SPAN_OR_COMMENT.search(masked, i)
        if not m:
            break
        if m.group() == "<!--":
            close = masked.find("-->", m.end())
            end = len(masked) if close < 0 else close + 3
            regions.append((m.start(), end, "comment"))
            i = end
            continue
        if _escaped(masked, m.start()):
            i = m.start() + 1
            continue
        closing = _closing_backticks(masked, m.end(), len(m.group()))
        if closing is None:
            i = m.end()
            continue
        regions.append((m.start(), closing, "span"))
        i = closing
    return tuple(sorted(regions))


_SPAN_OR_COMMENT = re.compile(r"<!--|`+")


@lru_cache(maxsize=64)
def _fence_closer(char: str, size: int) -> re.Pattern[str]:
    return re.compile(rf"{re.escape(char)}{{{size},}}[ \t]*")


_BACKTICKS_OR_BLANK = re.compile(r"`+|\n[ \t>]*\n")


def _closing_backticks(text: str, start: int, run: int) -> int | None:
    """End offset of the backtick run of exactly `run` that closes a code span, within the paragraph."""
    for m in _BACKTICKS_OR_BLANK.finditer(text, start):
        if m.group().startswith("\n"):
            return None
        if len(m.group()) == run:
            return m.end()
    return None


def _escaped(text: str, index: int) -> bool:
    """Whether the character at `index` is preceded by an odd number of backslashes."""
    n = 0
    k = index - 1
    while k >= 0 and text[k] == "\\":
        n += 1
        k -= 1
    return n % 2 == 1


# --- reference definitions -------------------------------------------------------------------------

_DEFINITION = re.compile(
    r"^(?:[ \t]*>)*[ \t]{0,3}\[(?P<label>(?:[^\]\\\n]|\\.){1,999})\]:[ \t]*"
    r"(?:<(?P<angle>[^<>\n]*)>|(?P<raw>\S+))"
    r"(?:[ \t]+(?:\"[^\"\n]*\"|'[^'\n]*'|\([^)\n]*\)))?[ \t]*$",
    re.MULTILINE,
)


def _take_definitions(masked: str) -> tuple[dict[str, str], str]:
    """Definitions found in `masked`, and `masked` with their lines blanked (they render nothing)."""
    defs, blanked = _definitions(masked)
    return dict(defs), blanked


@lru_cache(maxsize=256)
def _definitions(masked: str) -> tuple[dict[str, str], str]:
    """`_take_definitions`, cached: callers must not change the dict."""
    defs: dict[str, str] = {}
    if "]:" not in masked:  # every definition has one
        return defs, masked
    out = []
    pos = 0
    for m in _DEFINITION.finditer(masked):
        label = normalise_label(m.group("label"))
        if label and label not in defs:  # the first definition wins
            defs[label] = m.group("angle") if m.group("angle") is not None else m.group("raw")
        out.append(masked[pos : m.start()])
        out.append(" " * (m.end() - m.start()))
        pos = m.end()
    out.append(masked[pos:])
    return defs, "".join(out)


# --- [text](dest), ![alt](dest), [text][id] --------------------------------------------------------


def _bracket_links(text: str, masked: str, defs: dict[str, str]) -> list[Link]:
    links: list[Link] = []
    closers = _matching_brackets(masked)
    for i in sorted(closers):
        if not _inside_dest(links, i):
            link = _bracket_link_at(text, masked, i, closers[i], defs)
            if link is not None:
                links.append(link)
    return links


def _inside_dest(links: list[Link], i: int) -> bool:
    """Whether offset `i` lies in the destination/title part of an already found link."""
    return any(link.text_end >= 0 and link.text_end < i < link.end for link in links[-4:])


def _bracket_link_at(text: str, masked: str, i: int, close: int, defs: dict[str, str]) -> Link | None:
    image = i > 0 and masked[i - 1] == "!" and not _escaped(masked, i - 1)
    start = i - 1 if image else i
    label_text = text[i + 1 : close]
    after = close + 1
    if after < len(masked) and masked[after] == "(":
        parsed = _inline_destination(masked, after + 1)
        if parsed is None and image:
            parsed = _lenient_destination(masked, after + 1)
        if parsed is not None:
            d0, d1, end, angle = parsed
            return Link(
                dest=text[d0:d1],
                syntax="inline",
                image=image,
                start=start,
                end=end,
                dest_start=d0,
                dest_end=d1,
                text_start=i + 1,
                text_end=close,
                angle=angle,
            )
    if after < len(masked) and masked[after] == "[":
        label_close = masked.find("]", after + 1)
        if label_close > 0 and "[" not in masked[after + 1 : label_close]:
            label = normalise_label(text[after + 1 : label_close]) or normalise_label(label_text)
            if label in defs:
                return Link(
                    dest=defs[label],
                    syntax="reference",
                    image=image,
                    start=start,
                    end=label_close + 1,
                    text_start=i + 1,
                    text_end=close,
                )
            return None
    label = normalise_label(label_text)
    if label in defs and not (after < len(masked) and masked[after] == ":"):
        return Link(
            dest=defs[label],
            syntax="reference",
            image=image,
            start=start,
            end=close + 1,
            text_start=i + 1,
            text_end=close,
        )
    return None


_BRACKET_TOKEN = re.compile(r"\\.|[\[\]]|\n[ \t>]*(?=\n)", re.DOTALL)


@lru_cache(maxsize=256)
def _matching_brackets(masked: str) -> dict[int, int]:
    """Offset of each unescaped `[` -> offset of its `]` (nested pairs balanced; not across blank lines).

    Cached: callers must not change the dict.
    """
    pairs: dict[int, int] = {}
    if "[" not in masked:
        return pairs
    stack: list[int] = []
    for m in _BRACKET_TOKEN.finditer(masked):
        token = m.group()
        if token == "[":
            stack.append(m.start())
        elif token == "]":
            if stack:
                pairs[stack.pop()] = m.start()
        elif token[0] == "\n":
            stack.clear()  # a blank line ends the paragraph
    return pairs


def _skip_space(masked: str, k: int) -> int:
    """Skip spaces and tabs and at most one line ending (with any blockquote markers after it)."""
    n = len(masked)
    while k < n and masked[k] in " \t":
        k += 1
    if k < n and masked[k] == "\n":
        k += 1
        while k < n and masked[k] in " \t>":
            k += 1
    return k


_PLAIN_DEST = re.compile(r"[^\s\\()\x00-\x1f]+")  # `\s` is exactly str.isspace


def _inline_destination(masked: str, k: int) -> tuple[int, int, int, bool] | None:
    """Parse `dest "title")` from offset `k` (just after the `(`): (dest start, dest end, end, angle)."""
    n = len(masked)
    k = _skip_space(masked, k)
    angle = False
    if k < n and masked[k] == "<":
        d0 = k + 1
        m = re.compile(r"(?:[^<>\n\\]|\\.)*>").match(masked, d0)
        if not m:
            return None
        d1 = m.end() - 1
        k = m.end()
        angle = True
    else:
        d0 = k
        depth = 0
        while k < n:
            if plain := _PLAIN_DEST.match(masked, k):  # characters the checks below would only step over
                k = plain.end()
                if k >= n:
                    break
            c = masked[k]
            if c == "\\" and k + 1 < n:
                k += 2
                continue
            if c.isspace() or ord(c) < 0x20:
                break
            if c == "(":
                depth += 1
            elif c == ")":
                if depth == 0:
                    break
                depth -= 1
            k += 1
        d1 = k
    k2 = _skip_space(masked, k)
    if k2 < n and masked[k2] in "\"'(" and k2 > k:
        closer = ")" if masked[k2] == "(" else masked[k2]
        c = re.escape(closer)
        m = re.compile(rf"(?:[^{c}\\]|\\.)*{c}", re.DOTALL).match(masked, k2 + 1)
        if not m or "\n\n" in masked[k2 : m.end()]:
            return None
        k2 = _skip_space(masked, m.end())
    if k2 < n and masked[k2] == ")":
        return d0, d1, k2 + 1, angle
    return None


def _lenient_destination(masked: str, k: int) -> tuple[int, int, int, bool] | None:
    """Python-Markdown also embeds `![alt](a path with spaces.png)`: take the rest up to `)` on the line."""
    m = re.compile(r"[ \t]*([^()\n]+?)[ \t]*(?:[ \t]\"[^\"\n]*\")?[ \t]*\)").match(masked, k)
    if not m:
        return None
    return m.start(1), m.end(1), m.end(), False


# --- raw HTML: <img src>, <a href>; autolinks -------------------------------------------------------

_TAG_START = re.compile(r"<(img|a)\b", re.IGNORECASE)
_TAG_REST = re.compile(r"((?:[^>\"']++|\"[^\"]*+\"|'[^']*+')*+)>")  # possessive: no backtracking
_MAX_TAG = 4096  # longer "tags" are not tags (and an unclosed quote must not make the scan quadratic)
_ATTR = r"(?:(?<=[\s\"'/])|^){name}\s*=\s*(?:\"(?P<dq>[^\"]*)\"|'(?P<sq>[^']*)'|(?P<uq>[^\s\"'=<>`]+))"
_SRC = re.compile(_ATTR.format(name="src"), re.IGNORECASE)
_HREF = re.compile(_ATTR.format(name="href"), re.IGNORECASE)


def _html_links(text: str, masked: str) -> list[Link]:
    links = []
    for start in _TAG_START.finditer(masked):
        m = _TAG_REST.match(masked, start.end(), min(len(masked), start.end() + _MAX_TAG))
        if not m:
            continue
        image = start.group(1).lower() == "img"
        attrs_at = m.start(1)
        a = (_SRC if image else _HREF).search(m.group(1))
        if not a:
            continue
        group = next(g for g in ("dq", "sq", "uq") if a.group(g) is not None)
        d0, d1 = attrs_at + a.start(group), attrs_at + a.end(group)
        links.append(
            Link(
                dest=html.unescape(text[d0:d1]),
                syntax="html",
                image=image,
                start=start.start(),
                end=m.end(),
                dest_start=d0,
                dest_end=d1,
            )
        )
    return links


_AUTOLINK = re.compile(r"<([A-Za-z][A-Za-z0-9+.\-]{1,31}:[^\s<>]*)>")


def _autolinks(text: str, masked: str) -> list[Link]:
    return [
        Link(
            dest=text[m.start(1) : m.end(1)],
            syntax="autolink",
            image=False,
            start=m.start(),
            end=m.end(),
            dest_start=m.start(1),
            dest_end=m.end(1),
        )
        for m in _AUTOLINK.finditer(masked)
    ]
