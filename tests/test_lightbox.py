"""glightbox on generated pages: answers get its lightbox links once per build (swapped in after glightbox
would have run) and pages get its stylesheet and scripts inserted as text, as its own whole-page parse adds them."""

from __future__ import annotations

import re

from mkdocs_glightbox.plugin import LightboxPlugin
from selectolax.lexbor import LexborHTMLParser

from cohort_archive.lightbox import LightboxAssets, wrap_images


def _glightbox() -> LightboxPlugin:
    plugin = LightboxPlugin()
    plugin.load_config({"skip_classes": ["ca-no-lightbox"]})
    plugin.using_material = True
    plugin.using_material_privacy = False
    return plugin


def test_images_are_wrapped_as_glightbox_wraps_page_content() -> None:
    html = '<p>See <img alt="loss" src="@@ROOT@@assets/figures/c/1/loss.png"></p>'
    out = wrap_images(html, _glightbox())
    assert out.startswith("<p>See <a ") and 'class="glightbox"' in out
    assert 'href="@@ROOT@@assets/figures/c/1/loss.png"' in out and "<html>" not in out


def test_skipped_classes_links_and_text_without_images_stay_as_they_are() -> None:
    plugin = _glightbox()
    skipped = '<p><img class="ca-no-lightbox" src="x.png"></p>'
    assert "glightbox" not in wrap_images(skipped, plugin)
    linked = '<p><a href="https://example.org"><img src="x.png"></a></p>'
    assert "glightbox" not in wrap_images(linked, plugin)
    assert wrap_images("<p>no images</p>", plugin) == "<p>no images</p>"
    assert wrap_images('<img src="x.png">', None) == '<img src="x.png">'  # no glightbox configured


def test_a_failing_wrap_keeps_the_answer() -> None:
    class Broken:
        def __init__(self) -> None:
            self.config: dict = {}

        def wrap_img_with_anchor_selectolax(self, *args, **kwargs):
            raise ValueError("cannot parse")

    assert wrap_images('<img src="x.png">', Broken()) == '<img src="x.png">'


class _Theme(dict):
    name = "material"


CONFIG = {"theme": _Theme(features=["navigation.instant"]), "plugins": {}}
PAGE = (
    '<!doctype html>\n<html lang="en" class="no-js">\n  <head>\n    <meta charset="utf-8">\n'
    '    <link rel="stylesheet" href="../../assets/stylesheets/main.css">\n  </head>\n'
    '  <body dir="ltr">\n    <div class="md-container"><article><p>Answer <a class="glightbox" href="x.png">'
    '<img src="x.png"></a></p></article></div>\n    <script src="../../assets/javascripts/bundle.js"></script>\n'
    "  </body>\n</html>\n"
)


def _tags(html: str) -> str:
    """A serialised document without the whitespace between tags (where it ends up is all that differs)."""
    return re.sub(r">\s+<", "><", html).strip()


def _whole_page(plugin: LightboxPlugin, html: str, url: str) -> str:
    """What glightbox's own `on_post_page` makes of a page (it parses and re-serialises it)."""
    page = type("Page", (), {"meta": {}, "url": url})()
    return plugin.on_post_page(html, page=page, config=CONFIG)


def test_tags_inserted_as_text_are_the_tags_glightbox_adds() -> None:
    plugin = _glightbox()
    assets = LightboxAssets(plugin, CONFIG)
    for url in ("2025-january/groups/7/", "index.html", "2025-january/"):
        ours = assets.add(PAGE, url)
        assert ours.startswith(PAGE[: PAGE.index("</head>")]), "the page itself is left as it was"
        assert _tags(LexborHTMLParser(ours).html) == _tags(_whole_page(plugin, PAGE, url))
    assert '<link href="../../assets/stylesheets/glightbox.min.css"' in assets.add(PAGE, "a/b/")
    assert '<script src="../assets/javascripts/glightbox.min.js"' in assets.add(PAGE, "a/")
    assert ours.count('id="init-glightbox"') == 1 and ours.rstrip().endswith("</body>\n</html>")


def test_pages_of_another_shape_and_sites_without_glightbox() -> None:
    plugin = _glightbox()
    odd = "<p>no head or body</p>"
    assert LightboxAssets(plugin, CONFIG).add(odd, "a/") == _whole_page(plugin, odd, "a/")
    assert LightboxAssets(None, CONFIG).add(PAGE, "a/") == PAGE
