"""Answers get glightbox's lightbox links once per build (the plugin swaps them in after glightbox ran)."""

from __future__ import annotations

from mkdocs_glightbox.plugin import LightboxPlugin

from cohort_archive.plugin import _with_lightbox


def _glightbox() -> LightboxPlugin:
    plugin = LightboxPlugin()
    plugin.load_config({"skip_classes": ["ca-no-lightbox"]})
    plugin.using_material_privacy = False
    return plugin


def test_images_are_wrapped_as_glightbox_wraps_page_content() -> None:
    html = '<p>See <img alt="loss" src="@@ROOT@@assets/figures/c/1/loss.png"></p>'
    out = _with_lightbox(html, _glightbox())
    assert out.startswith("<p>See <a ") and 'class="glightbox"' in out
    assert 'href="@@ROOT@@assets/figures/c/1/loss.png"' in out and "<html>" not in out


def test_skipped_classes_links_and_text_without_images_stay_as_they_are() -> None:
    plugin = _glightbox()
    skipped = '<p><img class="ca-no-lightbox" src="x.png"></p>'
    assert "glightbox" not in _with_lightbox(skipped, plugin)
    linked = '<p><a href="https://example.org"><img src="x.png"></a></p>'
    assert "glightbox" not in _with_lightbox(linked, plugin)
    assert _with_lightbox("<p>no images</p>", plugin) == "<p>no images</p>"
    assert _with_lightbox('<img src="x.png">', None) == '<img src="x.png">'  # no glightbox configured


def test_a_failing_wrap_keeps_the_answer() -> None:
    class Broken:
        def __init__(self) -> None:
            self.config: dict = {}

        def wrap_img_with_anchor_selectolax(self, *args, **kwargs):
            raise ValueError("cannot parse")

    assert _with_lightbox('<img src="x.png">', Broken()) == '<img src="x.png">'
