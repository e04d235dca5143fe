"""The plugin's options, as declared in `mkdocs.yml` under `plugins: - cohort-archive:`."""

from __future__ import annotations

from mkdocs.config import config_options as opt
from mkdocs.config.base import Config


class CohortArchiveConfig(Config):
    """Options of the `cohort-archive` plugin.

    Every path is relative to the directory of `mkdocs.yml`. `rosters` and `cache_dir` are usually
    given with `!ENV [COHORT_ROSTERS, ...]` / `!ENV [COHORT_CACHE, ...]` so the same file builds the demo,
    the shared corpus or a real cohort.
    """

    enabled = opt.Type(bool, default=True)

    # Inputs
    rosters = opt.Type((str, list), default="reports/rosters")
    """Roster CSVs: a list, a `:`-separated string (as in `COHORT_ROSTERS`), files or folders of `*.csv`."""
    templates_dir = opt.Type(str, default="reports/templates")
    """The question registry: one YAML file per template version."""
    url_rewrites = opt.Type(dict, default={})
    """Like git's `url.<base>.insteadOf`: URL prefix -> replacement (a relative path means a local folder)."""

    # Fetching
    cache_dir = opt.Type(str, default=".cache/cohort-archive")
    fetch = opt.Choice(("auto", "offline", "refresh"), default="auto")
    """`auto`: fetch on `mkdocs build`, never on serve rebuilds; `offline`: cache only; `refresh`: always."""
    offline = opt.Type((bool, int, str), default=False)
    """Cache only (`COHORT_OFFLINE=1`, which YAML reads as the number 1); wins over `fetch`."""
    workers = opt.Type(int, default=8)
    token_env = opt.Type(str, default="GH_TOKEN")

    # Site
    section_size = opt.Type(int, default=40)
    """Cohorts with more groups than this list them in the nav in chunks of this size."""
    strict_reports = opt.Type(bool, default=False)
    """Log problems found in student reports as warnings (so `--strict` fails on them); info otherwise."""
    page_cache = opt.Type(bool, default=True)
    """Reuse the HTML of generated pages whose inputs did not change since the last build."""
    search = opt.Type(bool, default=True)
    """Build the Pagefind index after the site."""
    export = opt.Type(bool, default=True)
