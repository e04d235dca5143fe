"""SVG figures without active content: what the site may serve from its own origin.

Inside an `<img>` an SVG runs no script, but the lightbox links to the file itself, and opened on its own
(a new tab, a shared link) the student's SVG is a document of the archive's site: its `<script>`, `onload`
or `javascript:` links would run there. `clean_svg` keeps the drawing and drops what can act:

- elements that run or embed code or documents, in any namespace (`script`, `iframe`, `object`, `embed`,
  `base`, `meta`, forms, ...), and animations that could rewrite a link or a handler;
- event attributes (`on*`), `srcdoc`, and links (`href`, `xlink:href`, `src`, `action`, `data`) that are not
  a fragment (`#id`), a `data:` raster image or, on `<a>`, an http(s) / mailto address;
- the DOCTYPE, comments and processing instructions (`<?xml-stylesheet?>` could apply XSLT).

HTML inside `<foreignObject>` stays, cleaned the same way: diagram tools (Mermaid, draw.io) write their
labels there, and without it the drawing would lose its text.

Entity declarations are refused outright (defusedxml), so no entity expansion can blow up memory.
Pure: bytes in, bytes out.
"""

from __future__ import annotations

import xml.etree.ElementTree as ET

from defusedxml import DefusedXmlException
from defusedxml.ElementTree import fromstring

SVG = "http://www.w3.org/2000/svg"
XLINK = "http://www.w3.org/1999/xlink"

_ACTIVE = frozenset(
    {
        "script", "iframe", "frame", "frameset", "embed", "object", "applet", "portal", "handler",
        "listener", "audio", "video", "base", "meta", "link", "form", "input", "button", "textarea",
        "select",
    }
)  # fmt: skip
_ANIMATIONS = frozenset({"set", "animate", "animatetransform", "animatemotion"})
_LINKS = frozenset({"href", "src", "action", "formaction", "data"})
_RASTER = ("data:image/png", "data:image/jpeg", "data:image/jpg", "data:image/gif", "data:image/webp")


class UnsafeSvg(ValueError):
    """The file is not an SVG this module can clean (not well-formed XML, entities, not `<svg>`)."""


def _local(name: str) -> tuple[str, str]:
    """(namespace, lower-case local name) of an ElementTree tag or attribute name."""
    if name.startswith("{"):
        ns, _, local = name[1:].partition("}")
        return ns, local.lower()
    return "", name.lower()


def _safe_link(value: str, element: str) -> bool:
    v = "".join(value.split()).lower()
    if v.startswith("#") or v.startswith(_RASTER):
        return True
    return element == "a" and v.startswith(("https://", "http://", "mailto:"))


def _clean(element: ET.Element) -> int:
    """Clean `element`'s subtree in place; the number of things removed."""
    removed = 0
    _, tag = _local(element.tag) if isinstance(element.tag, str) else ("", "")
    for name in list(element.attrib):
        _, attr = _local(name)
        value = element.attrib[name]
        if attr.startswith("on") or attr == "srcdoc" or (attr in _LINKS and not _safe_link(value, tag)):
            del element.attrib[name]
            removed += 1
    for child in list(element):
        if not isinstance(child.tag, str):  # a comment or processing instruction
            element.remove(child)
            continue
        _, name = _local(child.tag)
        target = child.attrib.get("attributeName", "").strip().lower().rpartition(":")[2]  # "xlink:href"
        if name in _ACTIVE or (name in _ANIMATIONS and (target in _LINKS or target.startswith("on"))):
            element.remove(child)
            removed += 1
            continue
        removed += _clean(child)
    return removed


def clean_svg(data: bytes) -> tuple[bytes, int]:
    """The SVG without active content, and how many elements and attributes were removed.

    Raises UnsafeSvg when `data` is not a well-formed SVG document without entity declarations.
    """
    try:
        root = fromstring(data, forbid_dtd=False, forbid_entities=True, forbid_external=True)
    except (ET.ParseError, DefusedXmlException, ValueError) as exc:
        raise UnsafeSvg(f"not a well-formed SVG ({exc})") from exc
    if _local(root.tag) != (SVG, "svg"):
        raise UnsafeSvg("not an SVG document (its root is not <svg>)")
    removed = _clean(root)
    ET.register_namespace("svg", SVG)  # `<svg:rect>`: ElementTree has no default namespace for attributes
    ET.register_namespace("xlink", XLINK)
    return ET.tostring(root, encoding="utf-8", xml_declaration=True), removed
