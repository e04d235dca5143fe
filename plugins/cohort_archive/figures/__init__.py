"""Figures: find image references and links in report Markdown, resolve them against the repo tree,
rewrite them for the site, and sanitise the rendered HTML.

- `refs`: the code-aware scanner (`find_image_refs`, `find_links`).
- `resolve`: destination -> repo path (`resolve_ref`, `locate`), never outside the tree, never via symlinks.
- `rewrite`: `apply_figures` over a Report, `figure_files` for the copier, `summarize`, `site_names`.
- `sanitise`: `sanitise_html` (nh3) for HTML rendered from answers.
- `svg`: `clean_svg` (defusedxml) for SVG figures, which the site serves from its own origin.
- `lfs`: which figures are in Git LFS, and where GitHub serves them.
"""

from cohort_archive.figures.refs import ImageRef, Link, find_image_refs, find_links, is_image_path
from cohort_archive.figures.resolve import Location, TreeIndex, locate, parse_repo_url, resolve_ref
from cohort_archive.figures.rewrite import apply_figures, figure_files, missing_marker, site_names, summarize
from cohort_archive.figures.sanitise import sanitise_html

__all__ = [
    "ImageRef",
    "Link",
    "Location",
    "TreeIndex",
    "apply_figures",
    "figure_files",
    "find_image_refs",
    "find_links",
    "is_image_path",
    "locate",
    "missing_marker",
    "parse_repo_url",
    "resolve_ref",
    "sanitise_html",
    "site_names",
    "summarize",
]
