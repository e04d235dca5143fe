"""mkdocs-glightbox on generated pages, without its two whole-page HTML parses per page.

glightbox wraps the images of each page's content (`on_page_content`) and adds its stylesheet and scripts
to each built page (`on_post_page`), parsing and re-serialising the whole HTML both times. Generated pages
opt out of both (page meta `glightbox: false`); the plugin then

- wraps the images of each answer once per build (`wrap_images`: answers are swapped into pages after
  glightbox would have seen them), and
- inserts glightbox's own tags into each generated page as text (`LightboxAssets`): glightbox's
  `on_post_page` runs once on an empty page per relative path to the assets, and what it added to `<head>`
  and `<body>` is inserted before `</head>` and `</body>` of the real pages.
"""

from __future__ import annotations

import logging
import re
from types import SimpleNamespace
from typing import Any

from mkdocs.utils import get_relative_url, normalize_url

log = logging.getLogger(__name__)

SKELETON = "<html><head></head><body></body></html>"
_SKELETON_FILLED = re.compile(r"\A\s*<html><head>(.*)</head><body>(.*)</body></html>\s*\Z", re.S)
_FRAGMENT = re.compile(r"\A\s*<html><head></head><body>(.*)</body></html>\s*\Z", re.S)
OPT_OUT = {"glightbox": False}  # page meta glightbox reads: leave this page alone


def wrap_images(html: str, plugin: object | None) -> str:
    """An answer's images wrapped in lightbox links, as mkdocs-glightbox does to page content."""
    wrap = getattr(plugin, "wrap_img_with_anchor_selectolax", None)
    if wrap is None or "<img" not in html:
        return html
    cfg = plugin.config  # type: ignore[attr-defined]
    skip = ["emojione", "twemoji", "gemoji", "off-glb", *cfg.get("skip_classes", [])]
    try:
        out = wrap(html, plugin_config=cfg, meta={}, skip_classes=skip)
    except Exception as exc:  # an answer glightbox cannot parse is shown without the lightbox
        log.warning(f"lightbox links not added to an answer: {exc!r}")
        return html
    return _FRAGMENT.sub(r"\1", out, count=1)  # the parser returns a whole document


class LightboxAssets:
    """glightbox for generated pages, one build's worth: its lightbox links and its tags, as text."""

    def __init__(self, plugin: Any | None, config: Any) -> None:
        self.plugin = plugin
        self.config = config
        self._parts: dict[str, tuple[str, str] | None] = {}  # asset href -> (head tags, body tags)

    def wrap(self, html: str) -> str:
        """`html` with its images wrapped in lightbox links (see `wrap_images`)."""
        return wrap_images(html, self.plugin)

    def add(self, output: str, url: str) -> str:
        """`output` (a built page at site-relative `url`) with glightbox's tags, as glightbox adds them."""
        if self.plugin is None:
            return output
        href = get_relative_url(normalize_url("assets/stylesheets/glightbox.min.css"), url)
        if href not in self._parts:
            self._parts[href] = self._tags(url)
        parts = self._parts[href]
        head_at, body_at = output.find("</head>"), output.rfind("</body>")
        if parts is None or head_at < 0 or body_at < head_at:  # not the shape expected: let glightbox do it
            return str(self.plugin.on_post_page(output, page=_page(url), config=self.config))
        head, body = parts
        return output[:head_at] + head + output[head_at:body_at] + body + output[body_at:]

    def _tags(self, url: str) -> tuple[str, str] | None:
        try:
            filled = str(self.plugin.on_post_page(SKELETON, page=_page(url), config=self.config))
        except Exception as exc:  # glightbox changed: the whole-page way above still works
            log.debug(f"glightbox on an empty page: {exc!r}")
            return None
        match = _SKELETON_FILLED.match(filled)
        return (match.group(1), match.group(2)) if match else None


def _page(url: str) -> SimpleNamespace:
    """What glightbox's `on_post_page` reads of a page: its meta and URL."""
    return SimpleNamespace(meta={}, url=url)
