"""Full-text search over every answer of every group and cohort: a Pagefind index built after the site.

`SearchIndexer(site_dir, archive, page_url, config).run()` writes `<site>/pagefind/`; `search_page()` is
the page the header box submits to. The UI is `assets/site/search.js` + the header in `assets/overrides/`.
"""

from .bundles import INDEX_CONFIG
from .indexer import BUNDLE_DIR, FACETS_FILE, SearchIndexer
from .page import search_page
from .records import FILTERS, SearchRecord, answer_records, facet_labels
from .text import html_to_text

__all__ = [
    "BUNDLE_DIR",
    "FACETS_FILE",
    "FILTERS",
    "INDEX_CONFIG",
    "SearchIndexer",
    "SearchRecord",
    "answer_records",
    "facet_labels",
    "html_to_text",
    "search_page",
]
