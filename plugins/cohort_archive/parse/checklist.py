"""The project checklist at the top of a report: items, ticks, and the registry items they are."""

from __future__ import annotations

import re

from cohort_archive.model import ChecklistEntry, ChecklistItemSpec
from cohort_archive.registry.detect import align_hits
from cohort_archive.registry.document import Document, starts_block
from cohort_archive.registry.text import phrase_index, phrase_tokens, tokens

# `* [ ]`, `- [x]`, `* [X]`, `* []`, `*[x]`, `* [(X)]`, `* ([X])`, `* [-]`, `* [50%]`, `* [not applicable]`, `1. [x]`,
# or a bare `[x]`; or a bullet with a symbol for a box (`- ✅`, `- ❌`, `- ☐`, or its shortcode `- :x:`). A box holding
# x/X/×/✓/✔/✅/☑/☒, a star, or a word saying so (`[ok]`, `[done]`, `[yes]`, `[Y]`, `[v]`, `[check]`) is ticked;
# anything else (`-`, `~`, `%`: partly done; `?`; ❌) is not.
_MARK = r"(?:[*+-]|\d{1,3}[.)])"
_SYMBOLS = "✅✔✓☑❌✗✘☐⬜🔲"
_ITEM = re.compile(
    rf"^[ \t]{{0,3}}(?:(?:{_MARK}[ \t]*)?\[([^\]\n]{{0,5}}|[A-Za-z/ .-]{{6,20}})\](?!\()|{_MARK}[ \t]+([{_SYMBOLS}])\ufe0f?)[ \t]*(\S.*)$"
)
_TICK = re.compile(r"[xX×✓✔✅☑☒]|^\s*(?:ok|done|yes|y|v|\*|check(?:ed)?)\s*$", re.I)
_LEGEND = re.compile(r"^(?:=|:|->|→|means\b)")
_BULLET = re.compile(rf"^[ \t]{{0,3}}{_MARK}[ \t]+(?!\[)(.+)$")
_ROW = re.compile(r"^[ \t]{0,3}\|(.*)\|[ \t]*$")  # a table row: `| item | ✅ |`
_BOX_CELL = re.compile(rf"^(?:\[([^\]\n]{{0,5}})\]|([{_SYMBOLS}])\ufe0f?)$")
_TAG = r"\(\s*(M\d+(?:\s*[+,/&]\s*M\d+)*)\s*\)"  # a module tag: `(M5)`, `(M2+M6)`
_MODULES = re.compile(_TAG + r"\s*$")  # ending the entry
_TAG_ANYWHERE = re.compile(_TAG)
# a box written as a GitHub emoji shortcode, `* :white_check_mark: item`: the emoji GitHub shows for it
_SHORTCODE_BOXES = {
    "white_check_mark": "✅",
    "heavy_check_mark": "✔",
    "ballot_box_with_check": "☑",
    "x": "❌",
    "white_large_square": "⬜",
    "black_square_button": "🔲",
}
_SHORTCODE_BOX = re.compile(rf"^([ \t]{{0,3}}{_MARK}[ \t]+):({'|'.join(_SHORTCODE_BOXES)}):")
# a box in parentheses, `* ([X]) item`: the box it holds
_PAREN_BOX = re.compile(rf"^([ \t]{{0,3}}(?:{_MARK}[ \t]*)?)\((\[[^\]\n]{{0,5}}\])\)")
_BETWEEN_ITEMS = " \t,;|/-\u2013\u2014"  # what may stand between two items typed on one line
MATCH_THRESHOLD = 0.6
SURE_MATCH = 0.95  # an entry that is its item, whatever its place
MODULE_MATCH = 0.5  # an entry and an item with the same module tag, whatever their words: below any match


def parse_checklist(
    doc: Document, end: int, items: tuple[ChecklistItemSpec, ...]
) -> tuple[list[ChecklistEntry], bool]:
    """Checklist entries found before line `end` (the first question), and whether a checklist is there.

    Boxed lines are always entries; plain bullets only when they match a registry item (a checklist
    whose boxes were deleted). Entries are matched to the registry items in order, fuzzily.
    """
    start = next((h.line for h in doc.headings if h.line < end and "checklist" in h.text.lower()), 0)
    raw: list[tuple[str, bool, bool]] = []  # text, checked, boxed
    lines = doc.lines
    i = start
    while i < end:
        line = lines[i]
        if "([" in line:
            line = _PAREN_BOX.sub(r"\1\2", line)
        elif ":" in line and (m := _SHORTCODE_BOX.match(line)):
            line = m.group(1) + _SHORTCODE_BOXES[m.group(2)] + line[m.end() :]
        boxed = _ITEM.match(line)
        bullet = None if boxed else _BULLET.match(line)
        row = None if boxed or bullet or doc.code[i] else _table_item(line)
        if row is not None:
            raw.append((row[0], row[1], True))
            i += 1
            continue
        if doc.code[i] or not (boxed or bullet):
            i += 1
            continue
        text = (boxed.group(3) if boxed else bullet.group(1)).strip()  # type: ignore[union-attr]
        # the item's text goes on in the lines below it: indented, or unindented text (GitHub's lazy lines)
        while i + 1 < end and (nxt := lines[i + 1]).strip():
            if _ITEM.match(nxt) or _BULLET.match(nxt.lstrip()):
                break
            if not nxt.startswith((" ", "\t")) and (doc.code[i + 1] or starts_block(nxt)):
                break
            text += " " + nxt.strip()
            i += 1
        if boxed and _LEGEND.match(text):  # `- [x] = done`: how the boxes are meant, not an item
            i += 1
            continue
        box = (boxed.group(1) or boxed.group(2) or "") if boxed else ""
        raw += [(part, bool(_TICK.search(box)), bool(boxed)) for part in _one_per_tag(text)]
        i += 1
    words = [tokens(_MODULES.sub("", text)) for text, _, _ in raw]
    index = phrase_index(tuple(phrase_tokens(item.text) for item in items))
    hits = [
        sorted(
            (j, s)
            for j, s in index.similar(w, MATCH_THRESHOLD, phrase_first=False).items()
            if s >= MATCH_THRESHOLD
        )
        for w in words
    ]
    for row, (text, _, _) in zip(hits, raw, strict=True):  # an item retyped in the group's own words
        if tags := _tags(text):  # keeps its module tag: the items with that tag, in order, may take it
            same = {j: MODULE_MATCH for j, item in enumerate(items) if item.modules == tags}
            row[:] = sorted((same | dict(row)).items())
    chosen = align_hits(hits, len(items)) if items and words else [None] * len(raw)
    # an item typed word for word but out of the template's order (two items swapped): the alignment, which
    # keeps the order, leaves it out; it takes its item when no other entry did
    taken = {j for j in chosen if j is not None}
    for k, row in enumerate(hits):
        if chosen[k] is None and (sure := [(s, j) for j, s in row if s >= SURE_MATCH and j not in taken]):
            chosen[k] = j = max(sure)[1]
            taken.add(j)
    entries = []
    for (text, checked, boxed), j in zip(raw, chosen, strict=True):
        if j is None and not boxed:
            continue  # an ordinary bullet, not a checklist item
        spec = items[j] if j is not None else None
        modules = spec.modules if spec else _modules(text)
        entries.append(ChecklistEntry(spec.id if spec else None, text, checked, modules))
    present = sum(e.item is not None for e in entries) >= 3 or sum(1 for *_, b in raw if b) >= 3
    return (entries if present else []), present


def _one_per_tag(text: str) -> list[str]:
    """The items typed on one line, each closed by its module tag (`A ... (M17) B ... (M18)`); a note
    after the last tag stays with its item."""
    parts = []
    while len(found := list(_TAG_ANYWHERE.finditer(text))) > 1 and _MODULES.search(text):
        head, tail = text[: found[0].end()].strip(), text[found[0].end() :].strip(_BETWEEN_ITEMS)
        if not tokens(_TAG_ANYWHERE.sub("", head)) or not tokens(_TAG_ANYWHERE.sub("", tail)):
            break  # `(M5) (M6)`, `item (M5, M6)`-like: one item
        parts.append(head)
        text = tail
    return [*parts, text]


def _table_item(line: str) -> tuple[str, bool] | None:
    """(text, ticked) of a checklist written as a table row with a box cell (`| item | ✅ |`), else None."""
    m = _ROW.match(line)
    if m is None:
        return None
    cells = [c.strip() for c in m.group(1).split("|")]
    boxes = [b for c in cells if (b := _BOX_CELL.match(c))]
    texts = [c for c in cells if c and not _BOX_CELL.match(c)]
    if len(boxes) != 1 or not texts:
        return None
    box = boxes[0].group(1) or boxes[0].group(2) or ""
    return max(texts, key=len), bool(_TICK.search(box))


def item_label(text: str) -> str:
    """An item's text without its trailing module tag (`… (M5)`), which pages show from `modules`."""
    return _MODULES.sub("", text).rstrip() or text


def _tags(text: str) -> tuple[str, ...]:
    """The entry's last module tag, also when a note follows it (`... (M14) see wandb.ai/...`)."""
    found = _TAG_ANYWHERE.findall(text)
    return _module_ids(found[-1]) if found else ()


def _modules(text: str) -> tuple[str, ...]:
    m = _MODULES.search(text)
    return _module_ids(m.group(1)) if m else ()


def _module_ids(tag: str) -> tuple[str, ...]:
    return tuple(re.findall(r"M\d+", tag))
