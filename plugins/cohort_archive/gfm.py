r"""GitHub's Markdown rules that Python-Markdown lacks, applied to an answer's text before it is rendered.

Students write for GitHub (CommonMark with GitHub's extensions); the site renders with Python-Markdown,
whose block rules differ exactly where reports often lean on GitHub's:

- a list or a table may start right below a line of text, without a blank line between;
- a sub-list is indented by its parent item's text (2 or 3 spaces), not by 4, and so is a paragraph that
  goes on in an item after a blank line;
- a code fence may be indented by up to 3 spaces (its closing fence too) and needs no blank line above;
- `1)` starts a numbered item as `1.` does;
- `#word` (no space after the `#`) is text, not a heading;
- `<repo_url>` or `<gcr.io/project/image>` is text: neither is an HTML tag (a tag's name holds letters,
  digits and `-` only) nor a link, so nothing may drop it as a tag;
- `<title of run>` is text too (GitHub's tag filter), and `<path to file>` goes as an unknown tag while the
  words after it stay (the sanitiser drops what follows an SVG element such as `path`);
- a backslash escapes any ASCII punctuation (`\%`, `\<`, as Google Docs exports write them), and one
  ending a line breaks the line;
- a code fence left open runs to the end of the answer, or of the list item it is in; one opened on a list
  item's line, or at an item's text column, is code in that item; one at the margin ends the list;
- a list of the other kind right below an item (bullets below `2. ...`) starts a new list, and one blank
  line between items (or between two blocks of one) makes every item of the list a paragraph;
- spaces after a block-level HTML tag's line (`</table>    `) are nothing, not an indented code block;
- a fence's info string names its language by its first word (```` ```bash run.sh ````); one that names
  none (a command typed on the fence's line) is kept as the code's first line, which GitHub would hide;
- `[here](insert link)` (a space in the destination, no title) is text, not a link to nowhere;
- a `*` after a space at a line's end is text (it closes nothing), not paired with one on the next line;
- text right below an empty `>` line is not in the quote;
- `<code>` alone on its line after a blank line opens raw HTML (no Markdown in it) up to the next blank line.

`as_github(text)` rewrites those places into the form Python-Markdown reads the same way and leaves the
rest, fenced code included, as it is. Text in, text out.
"""

from __future__ import annotations

import functools
import itertools
import re
from collections.abc import Callable
from dataclasses import dataclass, field

from markdown.util import BLOCK_LEVEL_ELEMENTS
from pygments.lexers import get_lexer_by_name
from pygments.util import ClassNotFound
from pymdownx.superfences import RE_NESTED_FENCE_START

from .figures.sanitise import CLEAN_CONTENT_TAGS, TAGS

_QUOTE = re.compile(r"^((?:[ ]{0,3}>[ ]?)*)(.*)$")
_QUOTED = re.compile(r"^[ ]{0,3}>")
_FENCE = re.compile(r"^([ ]*)(`{3,}|~{3,})(.*)$")
_ITEM = re.compile(r"^([ ]*)([-+*]|\d{1,9}[.)])([ \t]+|$)")
_ATX_HEADING = re.compile(r"^[ ]{0,3}#{1,6}(?:[ \t]|$)")
_HASH_TEXT = re.compile(r"^([ ]{0,3})(#{1,6}(?=[^#\s])|#{7,})")  # `#word`, and 7 or more `#`: no heading
_ANGLED = re.compile(r"(?<!\]\()(?<!\]:)(?<!\]: )<([^<>\n]+)>")  # (not a link's `](<dest>)`)
# what GitHub takes for HTML in `<...>`: a tag (its name letters, digits and `-`), a comment or the like,
# or an autolink (`<https://...>`, `<name@host>`); anything else there is text
_TAG = re.compile(r"^(?:/?[A-Za-z][A-Za-z0-9-]*(?:\s[^<>]*)?/?|[!?].*)$", re.S)
_TAG_NAME = re.compile(r"^/?([A-Za-z][A-Za-z0-9-]*)")
_HTML_BLOCK_LINE = re.compile(r"^[ ]{0,3}</?([A-Za-z][A-Za-z0-9-]*)(?:[\s>]|/>|$)")  # `</table>`, `<div ...>`
# GFM's tag filter: GitHub shows these tags as text
_FILTERED_TAGS = frozenset(
    {"title", "textarea", "style", "xmp", "iframe", "noembed", "noframes", "script", "plaintext"}
)
# tags left for Python-Markdown and the sanitiser to treat; GitHub drops any other while keeping the text
# after it, which the sanitiser does not do for all (it drops what follows `<path to file>`: an SVG element)
_LEFT_TO_THE_SANITISER = frozenset(TAGS | CLEAN_CONTENT_TAGS | set(BLOCK_LEVEL_ELEMENTS))
# what such another tag becomes: an inline element with nothing in it, so the text around it reads as it
# did with the tag in it (`**uv add <package>**` stays bold)
_NO_TAG = "<span></span>"
_QUOTE_BREAK = "<div></div>"  # between two quotes, so Python-Markdown does not make them one
_AUTOLINK = re.compile(r"^(?:[A-Za-z][A-Za-z0-9+.-]{1,31}:[^\s<>]*|[\w.!#$%&'*+/=?^`{|}~-]+@[A-Za-z0-9.-]+)$")
# `[here](insert link)`: a destination with a space, and no title after it, is no link on GitHub
_SPACED_LINK = re.compile(r"(?<![!\\])\[([^\]\n]*)\]\(([^()\s<>]*)[ \t]+([^()\n]*)\)")
_LINK_TITLE = re.compile(r"^(?:\"[^\"]*\"|'[^']*')[ \t]*$")
_TICKS = re.compile(r"`+")
# `\%`, `\<`: GitHub takes a backslash before any ASCII punctuation as an escape; Python-Markdown only
# before its own few (which are left to it)
_ESCAPE = re.compile(r"\\([!-/:-@\[-`{-~])")
_HARD_BREAK = re.compile(r"(?<!\\)\\$")
_PYTHON_MARKDOWN_ESCAPES = set("\\`*_{}[]()>#+-.!|~")
_LONE_STAR = re.compile(r"(?<=[\w.,;:!?)][^\S\n])\*(?=[^\S\n]*$)")  # `words *` ending a line
# an inline tag that opens an HTML block when alone on its line (CommonMark's kind 7): text in it stays raw
_RAW_HTML_START = re.compile(r"^[ ]{0,3}<(?:code|kbd|samp|tt)(?:\s[^<>]*)?>[ \t]*$", re.I)
_DELIMITER_ROW = re.compile(r"^[ ]{0,3}\|?[ ]*:?-+:?[ ]*(?:\|[ ]*:?-+:?[ ]*)*\|?[ ]*$")


@dataclass
class _List:
    lines: list[int] = field(default_factory=list)  # where its items' lines are in the output
    loose: bool = False  # a blank line between two of its items, or between two blocks of one


@dataclass
class _Item:
    marker: int  # column of the item's marker
    content: int  # column its text starts at
    ordered: bool = False  # numbered, not bulleted
    list: _List = field(default_factory=_List)  # the list it is in (shared by its siblings)


@dataclass
class _Fence:
    prefix: str  # the quote markers in front of it
    run: str  # the opening run of backticks or tildes
    indent: int  # its indentation
    strip: bool  # whether that indentation comes off its lines (a fence outside lists)
    shift: str = ""  # put in front of its lines once that is off (a fence opened on an item's line)
    within: int = 0  # the text column of the list item it is in: a line indented less ends both (0: none)
    loose: bool = False  # a blank line above it in that item (the item holds blocks, not one line of text)


def as_github(text: str) -> str:
    """`text` with the GitHub-only Markdown constructs above rewritten for Python-Markdown."""
    if not text:
        return text
    lines = text.split("\n")
    out: list[str] = []
    fence: _Fence | None = None
    after_fence = False
    after_item_fence = 0  # the text column of the item a fence just ended in (0: none)
    after_loose = False  # and whether a blank line was above that fence in the item
    after_empty = 0  # the text column of an empty item on the line above (0: none)
    indented_code = False  # in an indented code block (not in a list)
    items: list[_Item] = []  # the open list items, outermost first
    lists: list[_List] = []  # every list met, to loosen those GitHub reads as loose (`_loosened`)
    code: str | None = None  # the backticks of a code span going on from the line above
    raw_until = -1  # lines before this index are raw HTML, already written
    for k, raw in enumerate(lines):
        if k < raw_until:
            continue
        prefix, line = _split_quote(raw)
        if fence is not None and fence.within and line.strip() and _indent(line) < fence.within:
            out.append(_fence_end(fence))  # the list item ends here, and a fence left open in it with it
            after_item_fence, after_loose, fence = fence.within, fence.loose, None
        if fence is not None:
            closing = _closes(line, fence)
            if closing:  # a longer run closes it too on GitHub; Python-Markdown wants the opening one
                line = line[: len(line) - len(line.lstrip())] + fence.run
            out.append(prefix + (fence.shift + _unindent(line, fence, closing) if fence.strip else line))
            if closing:
                after_fence = fence.strip and not fence.shift
                after_item_fence, after_loose = (fence.within if fence.shift else 0), fence.loose
                fence = None
            continue
        prev = _split_quote(out[-1])[1] if out else ""
        below_item = items and prefix and k and lines[k - 1].strip() and not _QUOTED.match(lines[k - 1])
        if below_item and _indent(prefix) < items[-1].content:
            # a quote right below an item, not indented into it: it ends the list on GitHub; Python-Markdown
            # put it in the item
            out.append("")
            items = []
        following = _split_quote(lines[k + 1])[1] if k + 1 < len(lines) else ""
        blank = prefix.rstrip()  # a blank line, inside the same quote
        if after_fence and line.strip():
            out.append(blank)  # text right below a closing fence is a paragraph of its own
        elif after_item_fence and line.strip() and (_indent(line) < after_item_fence or after_loose):
            # text that ends the list, or (below a fence after a blank line) the next item, right below a
            # fence in an item: GitHub reads it so; Python-Markdown takes it for more of the item's text
            if prev.strip() and (after_loose or not _is_item(line)):
                out.append(blank)
            if not _is_item(line) and not _indent(line):
                items = []
        if after_empty and line.strip() and not _is_item(line) and _indent(line) < after_empty:
            out.append(blank)  # text below an empty item, not indented into it: no part of it on GitHub
            if not _indent(line):
                items = []
        after_fence, after_item_fence, after_empty = False, 0, 0
        if code is None and (opening := _opens(line)):
            indent = len(opening.group(1))
            if items and items[-1].content <= indent < items[-1].content + 4:
                # a fence at the innermost item's text column: code in that item, indented 4 spaces a
                # level as Python-Markdown nests it
                column = items[-1].content
                fence = _Fence(prefix, opening.group(2), indent, True, " " * (4 * len(items)), column)
                fence.loose = not prev.strip()
                if fence.loose:
                    items[-1].list.loose = True
                out += [prefix + fence.shift + head for head in _header(opening.group(2), opening.group(3))]
                continue
            listed = (bool(items) and indent > 0) or indent > 3  # (at the margin it ends a list above)
            within = min(indent, items[-1].content) if items and listed else 0
            fence = _Fence(prefix, opening.group(2), indent, strip=not listed, within=within)
            if not listed:
                if prev.strip():
                    out.append(blank)  # a fence right below a line of text
                items = []
            lead = line[:indent] if listed else ""
            out += [prefix + lead + head for head in _header(opening.group(2), opening.group(3))]
            continue
        if not line.strip():
            if (
                not prefix.strip()
                and out
                and _QUOTED.match(out[-1])
                and _QUOTED.match(lines[k + 1] if k + 1 < len(lines) else "")
            ):
                # a blank line ends a quote on GitHub; Python-Markdown reads on in the quote below
                out += ["", _QUOTE_BREAK]
            out.append(raw)
            if (
                prefix.strip()
                and following.strip()
                and k + 1 < len(lines)
                and not _QUOTED.match(lines[k + 1])
            ):
                out.append("")  # text right below an empty `>` line is no part of the quote on GitHub
            code = None  # a paragraph's end ends its code spans
            continue
        if (
            items
            and not prefix
            and not prev.strip()
            and code is None
            and (block := _item_code(lines, k, items))
        ):
            # indented code in a list item, after a blank line: a fence at the item's level for Python-Markdown
            # (which reads text indented that far as more of the item's paragraphs, or as a sub-list)
            level, end, body = block
            shift = " " * (4 * level)
            run = "`" * max([3, *(len(t) + 1 for b in body for t in _TICKS.findall(b))])
            out += [shift + run, *(shift + b for b in body), shift + run]
            items = items[:level]
            items[-1].list.loose = True  # an item with two blocks, a blank line between
            after_item_fence, after_loose, raw_until = items[-1].content, True, end
            continue
        indented_code = (
            not items and code is None and _columns(line) >= 4 and (indented_code or not prev.strip())
        )
        if indented_code:
            out.append(raw)  # indented code outside lists: shown as it is, nothing in it rewritten
            continue
        item = _item(line)
        if item is not None and items and prev.strip() and len(item.group(1)) >= items[-1].content + 4:
            # a marker 4 or more spaces past the item's text, right below a line of it: more of that text on
            # GitHub (indented code cannot interrupt a paragraph); Python-Markdown would nest a list
            marker = item.group(2)
            line = " " * (4 * len(items)) + marker[:-1] + "\\" + marker[-1] + line[item.end(2) :]
            item = None
        if item is not None and item.group(2).endswith(")"):
            if not prev.strip() or _is_item(prev) or item.group(2) == "1)" or any(it.ordered for it in items):
                line = f"{item.group(1)}{item.group(2)[:-1]}.{line[item.end(2) :]}"
                item = _item(line)
            else:
                item = None  # `2)` inside a paragraph is text
        if (
            item is not None
            and not line[item.end() :].strip()
            and (not prev.strip() or (items and len(item.group(1)) < items[-1].content))
        ):
            # an empty item (`-` alone) in a list or after a blank line: Python-Markdown wants text in it, and
            # took a `-` below an item for a heading underline
            line = line[: item.end(2)] + " " + _NO_TAG
            after_empty = len(item.group(1)) + len(item.group(2)) + 1
        if item is not None:
            line = line[: item.end()] + _HASH_TEXT.sub(r"\1\\\2", line[item.end() :])
            text = line[item.end() :]
            outer = items[0] if items else None
            # an item below a loose list nested deeper: Python-Markdown reads it on as that list's text
            below_loose = any(it.list.loose for it in items if len(item.group(1)) < it.marker)
            line = _nest(line, item, items)
            if below_loose and prev.strip():
                out.append(blank)
            listed_in = items[-1].list
            if not listed_in.lines:
                lists.append(listed_in)  # its first item
            elif not prev.strip():
                listed_in.loose = True  # a blank line between two of its items
            # a list right below a line of text; or a list of the other kind (numbered after bullets, or
            # bullets after numbered) right below an item: GitHub starts a new list there, Python-Markdown
            # reads on as text
            other_kind = outer is not None and len(items) == 1 and outer.ordered != items[0].ordered
            if (
                (outer is None or other_kind)
                and prev.strip()
                and (other_kind or not _is_item(prev))
                and len(item.group(1)) <= 3
                and (other_kind or _interrupts(item))  # (an item's text is no paragraph it interrupts)
            ):
                out.append(blank)
            if opening := _opens(text):
                # a fence opened on the item's line (`* ```sh`): Python-Markdown needs it below, in the item
                column = items[-1].content
                fence = _Fence(prefix, opening.group(2), column, True, " " * (4 * len(items)), column)
                listed_in.lines.append(len(out))
                out.append(prefix + line[: len(line) - len(text)].rstrip() + " ")
                out += [prefix + fence.shift + head for head in _header(opening.group(2), opening.group(3))]
                continue
        else:
            if not prefix and not prev.strip() and code is None and _RAW_HTML_START.match(line):
                # `<code>` alone on its line after a blank one: GitHub's HTML block, raw to the next blank
                # line (no Markdown in it); a `<div>` around it makes it one for Python-Markdown too
                raw_until = next((j for j in range(k, len(lines)) if not lines[j].strip()), len(lines))
                out += ["<div>", *lines[k:raw_until], "</div>"]
                items = []
                continue
            if items and not prev.strip() and line.startswith(" "):
                line, items = _continued(line, items)
                if items:
                    items[-1].list.loose = True  # an item with two blocks, a blank line between
            if not line.startswith(" ") and not prev.strip():
                items = []  # a paragraph at the margin after a blank line: any list before has ended
            if "|" in line and _DELIMITER_ROW.match(following):
                if prev.strip() and "|" not in prev:
                    out.append(blank)  # a table right below a line of text
                items = []
            line = _HASH_TEXT.sub(r"\1\\\2", line)
            if line[-1:] in (" ", "\t") and code is None and _html_block_line(line):
                line = line.rstrip()  # raw HTML to GitHub; Python-Markdown made code of 4 trailing spaces
        if "`" in line or code is not None:  # code spans, also one going on from the lines above
            parts, code = _code_parts(line, code, functools.partial(_paragraph_below, lines, k))
        else:
            parts = [(line, False)]
        if "\\" in line:
            parts = _outside_code(parts, lambda part: _ESCAPE.sub(_unescape, part))
            last, in_code = parts[-1]
            quoted = k + 1 < len(lines) and _split_quote(lines[k + 1])[0].count(">") > prefix.count(">")
            if not in_code and _HARD_BREAK.search(last) and not quoted and _goes_on(following, items):
                # `\` ending a line breaks it; Python-Markdown's way is two spaces (a `\` alone on its line: a
                # `<br />`, as two spaces alone would be a blank line to it)
                parts[-1] = (
                    "<br />" if len(parts) == 1 and not last[:-1].strip() else last[:-1] + "  ",
                    False,
                )
        if "<" in line:
            parts = _outside_code(parts, lambda part: _ANGLED.sub(_not_html, part))
        if "](" in line:
            parts = _outside_code(parts, lambda part: _SPACED_LINK.sub(_not_a_link, part))
        if line.rstrip().endswith(" *") and not parts[-1][1]:
            # a `*` after a space ending a line can close no emphasis (GitHub shows it); Python-Markdown may
            # pair it with one on the next line and lose the words between
            parts[-1] = (_LONE_STAR.sub(r"\*", parts[-1][0]), False)
        if item is not None:
            listed_in.lines.append(len(out))
        out.append(prefix + "".join(part for part, _ in parts))
    if fence is not None:  # an unclosed fence runs to the end of the answer, as on GitHub
        out.append(_fence_end(fence))
    return "\n".join(_loosened(out, lists))


def _loosened(out: list[str], lists: list[_List]) -> list[str]:
    """`out` with a blank line above every item of a loose list but its first: on GitHub one blank line
    makes each item of the list a paragraph, in Python-Markdown only those next to it."""
    above = sorted(
        {k for lst in lists if lst.loose for k in lst.lines[1:] if _split_quote(out[k - 1])[1].strip()},
        reverse=True,
    )
    for k in above:
        out.insert(k, _split_quote(out[k])[0].rstrip())
    return out


def _html_block_line(line: str) -> bool:
    """Whether `line` starts an HTML block (or goes on in one) as a block-level tag: `<table>`, `</div>`."""
    m = _HTML_BLOCK_LINE.match(line)
    return m is not None and m.group(1).lower() in BLOCK_LEVEL_ELEMENTS


def _fence_end(fence: _Fence) -> str:
    """A closing line for `fence`, which the text left open."""
    return fence.prefix + (fence.shift if fence.strip else " " * fence.indent) + fence.run


def _indent(line: str) -> int:
    return len(line) - len(line.lstrip(" "))


def _columns(line: str) -> int:
    """The width of the line's indentation, a tab taking it to the next multiple of 4 (as Python-Markdown)."""
    width = 0
    for char in line:
        if char == " ":
            width += 1
        elif char == "\t":
            width += 4 - width % 4
        else:
            break
    return width


def _goes_on(following: str, items: list[_Item]) -> bool:
    """Whether `following` goes on with the paragraph above (GitHub breaks a line ending in `\\` only then):
    not blank, no heading, fence, HTML block or list item that starts a block of its own (nor a quote: the
    caller sees its markers)."""
    if not following.strip() or _ATX_HEADING.match(following):
        return False
    if (_opens(following) and _indent(following) <= 3) or _html_block_line(following):
        return False
    item = _item(following)
    return item is None or not (items or _interrupts(item))


def _split_quote(line: str) -> tuple[str, str]:
    m = _QUOTE.match(line)
    assert m is not None  # the pattern matches any line
    return m.group(1), m.group(2)


def _is_item(line: str) -> bool:
    return _item(line) is not None


def _item(line: str) -> re.Match[str] | None:
    return _ITEM.match(line) if line.strip() else None


def _opens(line: str) -> re.Match[str] | None:
    """The opening fence on `line` (a backtick fence's info string holds no backtick: ```x``` is code)."""
    m = _FENCE.match(line)
    if m is None or (m.group(2)[0] == "`" and "`" in m.group(3)):
        return None
    return m


def _header(run: str, info: str) -> list[str]:
    """The fence's opening line(s) for Python-Markdown. An info string its superfences cannot read
    (```` ```bash run.sh ````, ```` ```curl -X POST \\ ````) is read as GitHub reads it when its first word
    names a language Pygments knows: that language, the rest ignored; else it is the code's first line (a
    command typed on the fence's line, which GitHub would hide)."""
    m = RE_NESTED_FENCE_START.match(run + info)
    if m is None or not m.group("unrecognized"):
        return [run + info]
    word = info.split()[0]
    return [run + word] if _is_language(word) else [run, info.strip()]


@functools.cache
def _is_language(name: str) -> bool:
    try:
        get_lexer_by_name(name.lstrip("."))
    except ClassNotFound:
        return False
    return True


def _closes(line: str, fence: _Fence) -> bool:
    stripped = line.strip()
    indent = _indent(line)
    return indent <= fence.indent + 3 and len(stripped) >= len(fence.run) and set(stripped) == {fence.run[0]}


def _unindent(line: str, fence: _Fence, closing: bool) -> str:
    """A line of a fence indented by `fence.indent` spaces: that many spaces off, at most (all of them off
    the closing fence, which `closing` says it is), as GitHub takes them."""
    spaces = _indent(line)
    if closing:
        return line[spaces:]
    return line[min(fence.indent, spaces) :]


def _level(items: list[_Item], indent: int) -> int:
    """How many of the open items a line indented `indent` spaces goes on in (those whose text starts at or
    before its indentation; 0: none, it ends the list)."""
    return max((n + 1 for n, item in enumerate(items) if item.content <= indent), default=0)


def _item_code(lines: list[str], k: int, items: list[_Item]) -> tuple[int, int, list[str]] | None:
    """The indented code block in an open item that starts at line `k` (after a blank line): the item's
    level, the index of the line after the block, and its lines with the indentation off. GitHub reads a
    line 4 spaces past the text of the innermost item it is indented into as code (called outside quotes;
    indentation is counted in spaces, a tab-indented line ends the block)."""
    indent = _indent(lines[k])
    level = _level(items, indent)
    if not level or indent - items[level - 1].content < 4:
        return None
    column = items[level - 1].content + 4
    end = k
    for j in range(k, len(lines)):
        if lines[j].strip():
            if _indent(lines[j]) < column:
                break
            end = j + 1
    return level, end, [line[column:] for line in lines[k:end]]


def _interrupts(item: re.Match[str]) -> bool:
    """Whether the item may start a list right below a line of text (CommonMark: not an empty one, and
    a numbered one only from 1)."""
    marker, rest = item.group(2), item.string[item.end() :]
    if not rest.strip():
        return False
    return not marker[0].isdigit() or marker[:-1] == "1"


def _nest(line: str, item: re.Match[str], items: list[_Item]) -> str:
    """The item line indented 4 spaces per level, its level found as GitHub finds it (by the column of
    its parent's text); updates `items`."""
    indent = len(item.group(1))
    ordered = item.group(2)[0].isdigit()
    same = _List()
    while items and indent < items[-1].content:
        top = items.pop()
        if indent >= top.marker:  # a sibling of the item it replaces, in its list if of its kind
            same = top.list if top.ordered == ordered else same
            break
    level = len(items)
    items.append(_Item(indent, indent + len(item.group(2)) + min(len(item.group(3)) or 1, 4), ordered, same))
    if level == 0 or indent == 4 * level:
        return line
    return " " * (4 * level) + line[indent:]


def _continued(line: str, items: list[_Item]) -> tuple[str, list[_Item]]:
    """A paragraph after a blank line, indented as far as an open item's text: on GitHub it goes on in
    that item (the innermost such one), so it is indented 4 spaces per level; the items inside that one
    end. Not that far, it ends the list; 4 spaces further it is code in the item (`_item_code` makes a fence of
    it outside quotes; in a quote it is left as it is)."""
    indent = _indent(line)
    level = _level(items, indent)
    if level == 0:
        return line, []
    if indent - items[level - 1].content >= 4:
        return line, items
    return " " * (4 * level) + line[indent:], items[:level]


def _not_html(m: re.Match[str]) -> str:
    """`<...>` as it is when GitHub reads it as HTML or a link, else as text (`<repo_url>`, `<gcr.io/x>`).

    As on GitHub, a tag its tag filter names (`<title of run>`) is text, and a tag of no HTML element the
    site keeps (`<path to file>`) goes while the text after it stays.
    """
    inner = m.group(1)
    if _AUTOLINK.match(inner):
        return m.group(0)
    if not _TAG.match(inner):
        return f"&lt;{inner}&gt;"
    name = _TAG_NAME.match(inner)
    if name is None:  # a comment, `<!DOCTYPE ...>`, `<?...?>`
        return m.group(0)
    if name.group(1).lower() in _FILTERED_TAGS:
        return f"&lt;{inner}&gt;"
    if name.group(1).lower() in _LEFT_TO_THE_SANITISER or _in_url(m.string[: m.start()]):
        return m.group(0)
    return _NO_TAG


def _in_url(before: str) -> bool:
    """Whether text ending in `before` is inside a URL or a link's destination (`https://x-<region>.app`):
    there a tag is left as it was."""
    word = before.rsplit(None, 1)[-1] if before and not before[-1].isspace() else ""
    return "://" in word or "www." in word or "](" in word


def _not_a_link(m: re.Match[str]) -> str:
    """`[text](dest title)` as it is when the title is quoted, else shown as text, as GitHub shows it."""
    if m.group(2) and _LINK_TITLE.match(m.group(3)):
        return m.group(0)
    # `[text]\(dest words)`: its bracket stays a bracket (no URL in it is linked, as on GitHub)
    cut = len(m.group(1)) + 2
    return m.group(0)[:cut] + "\\" + m.group(0)[cut:]


def _unescape(m: re.Match[str]) -> str:
    char = m.group(1)
    if char in _PYTHON_MARKDOWN_ESCAPES:
        return m.group(0)
    return {"<": "&lt;", "&": "&amp;"}.get(char, char)


def _outside_code(parts: list[tuple[str, bool]], change: Callable[[str], str]) -> list[tuple[str, bool]]:
    """`change` applied to the parts (text, in a code span) outside code spans."""
    return [(part, True) if in_code else (change(part), False) for part, in_code in parts]


def _code_parts(
    line: str, run: str | None, below: Callable[[], str]
) -> tuple[list[tuple[str, bool]], str | None]:
    """`line` cut into (text, in a code span) parts, and the backticks of a span still open at its end.

    `run`: the backticks of a span open from the lines above; `below`: the rest of the paragraph, where a
    span opened on this line must close (as on GitHub, a span may go on over line breaks; backticks
    that no run of the same length closes are text).
    """
    parts: list[tuple[str, bool]] = []
    at = 0
    if run is not None:
        close = _closing(line, run, 0)
        if close is None:
            return [(line, True)], run
        parts.append((line[:close], True))
        at = close
    while m := _TICKS.search(line, at):
        parts.append((line[at : m.start()], False))
        close = _closing(line, m.group(0), m.end())
        if close is not None:
            parts.append((line[m.start() : close], True))
            at = close
        elif _closing(below(), m.group(0), 0) is not None:
            parts.append((line[m.start() :], True))
            return parts, m.group(0)
        else:
            parts.append((m.group(0), False))
            at = m.end()
    parts.append((line[at:], False))
    return parts, None


def _closing(text: str, run: str, start: int) -> int | None:
    """Where the first backtick run as long as `run` in `text[start:]` ends, or None."""
    return next((m.end() for m in _TICKS.finditer(text, start) if len(m.group(0)) == len(run)), None)


def _paragraph_below(lines: list[str], k: int) -> str:
    """The lines after line `k` up to the paragraph's end (a blank line)."""
    return "\n".join(itertools.takewhile(str.strip, lines[k + 1 :]))
