"""Sanitise the HTML rendered from a student's answer (which may contain any raw HTML) with nh3.

Allowed: ordinary text markup, tables, lists, images, links (http, https, mailto and relative URLs,
including site paths prefixed with a placeholder token such as `@@ROOT@@/...`), details/summary,
figures, disabled task-list checkboxes, and `class` limited to names that code highlighting, task
lists, footnotes, admonitions and this plugin use. Dropped: scripts, event handlers, `javascript:` and
`data:` URLs, iframes, forms' controls, `<style>`, `<link>`, `<meta>`, `<base>`, `<object>`, `<embed>`,
SVG and MathML, and `style` attributes (except `text-align` on table cells, which is how
Python-Markdown's tables write column alignment).
"""

from __future__ import annotations

import re

import nh3

_TEXT = {"p", "br", "hr", "blockquote", "em", "strong", "b", "i", "u", "s", "del", "ins", "mark", "kbd"}
_TEXT |= {"abbr", "sub", "sup", "small", "q", "cite", "samp", "var", "dfn", "time", "span", "div"}
_BLOCKS = {"h1", "h2", "h3", "h4", "h5", "h6", "ul", "ol", "li", "dl", "dt", "dd", "pre", "code"}
_BLOCKS |= {"details", "summary", "figure", "figcaption", "label", "input"}
_TABLES = {"table", "caption", "colgroup", "col", "thead", "tbody", "tfoot", "tr", "th", "td"}
TAGS = frozenset(_TEXT | _BLOCKS | _TABLES | {"a", "img"})

# Removed together with everything inside them (the rest of the disallowed tags lose only the tag).
CLEAN_CONTENT_TAGS = frozenset(
    {"script", "style", "iframe", "frame", "frameset", "object", "embed", "applet", "noscript", "template"}
    | {"svg", "math", "textarea", "select", "title", "noembed", "noframes", "xmp", "plaintext"}
)

_CLASSED = {"code", "span", "div", "pre", "p", "li", "ul", "ol", "label", "table", "td", "th", "sup", "a"}
_CLASSED |= {"details", "figure", "blockquote"}

ATTRIBUTES: dict[str, set[str]] = {
    "img": {"src", "alt", "title", "width", "height"},
    "a": {"href", "title"},
    "abbr": {"title"},
    "td": {"colspan", "rowspan", "align", "style"},
    "th": {"colspan", "rowspan", "align", "style", "scope"},
    "col": {"span"},
    "colgroup": {"span"},
    "ol": {"start", "type", "reversed"},
    "li": {"value", "id"},
    "sup": {"id"},
    "details": {"open"},
    "input": {"checked", "disabled"},
    **{f"h{n}": {"id"} for n in range(1, 7)},
}
for _tag in _CLASSED:
    ATTRIBUTES.setdefault(_tag, set()).add("class")

URL_SCHEMES = frozenset({"http", "https", "mailto"})

# Class names that may pass: Pygments/Material code highlighting (short token classes, "highlight",
# "language-*"), pymdownx task lists and details, Python-Markdown footnotes and admonitions, and
# this plugin's own "ca-*" classes. Theme layout classes ("md-*") and anything else are dropped.
_SAFE_CLASS = re.compile(
    r"(?:[a-z][a-z0-9]{0,2}"
    r"|highlight|highlighttable|linenos|linenodiv|lineno|filename|hll|codehilite"
    r"|(?:language|lang)-[A-Za-z0-9_+#.\-]{1,40}"
    r"|task-list(?:-item|-control|-indicator)?"
    r"|footnote(?:-ref|-backref)?"
    r"|admonition(?:-title)?|note|abstract|summary|info|tip|hint|important|success|check|done"
    r"|question|help|faq|warning|caution|attention|failure|fail|missing|danger|error|bug|example|quote|cite"
    r"|ca-[a-z0-9\-]{1,40})"
)


def _filter(tag: str, attr: str, value: str) -> str | None:
    if attr == "class":
        kept = [c for c in value.split() if _SAFE_CLASS.fullmatch(c)]
        return " ".join(kept) or None
    if attr == "style":  # only th/td reach here: keep the alignment Python-Markdown writes, nothing else
        for decl in value.split(";"):
            m = re.fullmatch(r"\s*text-align\s*:\s*(left|right|center|justify)\s*", decl, re.IGNORECASE)
            if m:
                return f"text-align: {m.group(1).lower()};"
        return None
    if attr == "id":
        return value if re.fullmatch(r"[A-Za-z0-9_:.\-]{1,100}", value) else None
    return value


_CLEANER = nh3.Cleaner(
    tags=set(TAGS),
    clean_content_tags=set(CLEAN_CONTENT_TAGS),
    attributes={k: set(v) for k, v in ATTRIBUTES.items()},
    set_tag_attribute_values={"input": {"type": "checkbox", "disabled": "disabled"}},
    attribute_filter=_filter,
    url_schemes=set(URL_SCHEMES),
    link_rel="noopener nofollow",
    strip_comments=True,
)


def sanitise_html(html: str) -> str:
    """`html` with everything but the allowed tags, attributes and URLs removed."""
    return _CLEANER.clean(html)
