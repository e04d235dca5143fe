"""The search page: a container that `search.js` fills (query box, facets, results)."""

from __future__ import annotations

from ..pages import urls
from ..pages.common import PageSpec

TITLE = "Search"

# One raw-HTML block (no blank lines inside, so Markdown leaves it alone). search.js finds it by
# `data-ca-search`; everything in it is static markup, results are built with DOM calls.
_BODY = """\
<div class="ca-search" data-ca-search>
<form class="ca-search__form" role="search" method="get" action="">
<label class="ca-search__label" for="ca-search-q">Search every answer of every group and cohort</label>
<div class="ca-search__row">
<input class="ca-search__input" id="ca-search-q" type="search" name="q" autocomplete="off" spellcheck="false"
 placeholder="e.g. docker compose, &quot;exact phrase&quot;, wandb sweep" aria-describedby="ca-search-status">
<button class="md-button md-button--primary ca-search__submit" type="submit">Search</button>
</div>
</form>
<p class="ca-search__status" id="ca-search-status" role="status" aria-live="polite">Search needs JavaScript.</p>
<div class="ca-search__layout">
<aside class="ca-search__facets" aria-label="Filter the results" hidden></aside>
<div class="ca-search__main">
<ol class="ca-search__results" aria-label="Results"></ol>
<button class="md-button ca-search__more" type="button" hidden>Load more</button>
</div>
</div>
</div>
"""


def search_page() -> PageSpec:
    """The `search.md` page (title "Search"); the header box submits to it with `?q=`."""
    markdown = f"---\nhide:\n  - navigation\n  - toc\n---\n\n# {TITLE}\n\n{_BODY}"
    return PageSpec(urls.search(), TITLE, markdown, meta={"hide": ["navigation", "toc"]})
