"""Rewrite a report's figure references and local links for the site, and record what they led to.

Choices (kept deliberately simple and visible):

- A resolved image (also one matched ignoring case) points at `f"{figure_base}/{site_name}"`, the copy
  the site makes of the repo file. A plain link to an image file stays a link (to the copy): the
  author chose a link, and the answer's image count should not change under them.
- A missing or unsafe image becomes a visible `<span class="ca-missing-figure">` naming the path as
  written; a plain link to such a file keeps its text, followed by the same marker.
- An external image (another host, or another repository on GitHub) is left as written: it is shown
  from its host, and noted as an "info" problem.
- A relative link to any other repo path becomes a github.com link at the report's commit (`blob/`
  for files, `tree/` for folders), also when the file does not exist (an "info" problem says so: the
  reader then lands on GitHub's 404, which is honest). A link that escapes the repository, or any
  relative link when the repository is not on GitHub, is unlinked: its text stays, and a problem is
  noted. Anchors (`#...`) and absolute URLs are kept.
- Reference-style uses (`![alt][id]`, `[text][id]`) are rewritten into inline form, so an answer cut
  out of the report does not depend on a definition elsewhere; definitions are left in place.
- An image written inside code (`` `![alt](path)` ``, or in a fenced block) stays code, as on GitHub;
  a warning says so (the course template's own `<image>.<extension>` placeholder excepted).
- Call it once per Report: it rewrites in place, and `report.figures` describes that one pass.
"""

from __future__ import annotations

import hashlib
import html
import posixpath
import re
import unicodedata
from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass
from urllib.parse import quote

from cohort_archive.figures.lfs import raw_url
from cohort_archive.figures.refs import Link, find_code_image_refs, find_definitions, find_links
from cohort_archive.figures.resolve import (
    ROOT_FALLBACK_NOTE,
    Location,
    Repo,
    TreeIndex,
    figure_for,
    locate,
    locate_image,
    parse_repo_url,
)
from cohort_archive.model import Figure, Problem, Report, RepoTree

MISSING_CLASS = "ca-missing-figure"
# Characters that HTML or Markdown (incl. pymdownx: ~ ^ = : for strike, caret, mark, emoji and magic links)
# could read as markup inside the marker's text; written as character references, they show as written.
_ESCAPES = str.maketrans({c: f"&#{ord(c)};" for c in "&<>\"'\\`*_[]!|~^=:{}"})


@dataclass
class _Edit:
    start: int
    end: int
    text: str


@dataclass
class _Hit:
    """One image reference found in one text, before site names are known."""

    text_key: int
    link: Link
    figure: Figure
    loc: Location


def apply_figures(
    report: Report,
    tree: RepoTree,
    *,
    repo_url: str | None,
    commit: str | None,
    figure_base: str,
    report_path: str = "reports/README.md",
    group: str | None = None,
    lfs: Callable[[str], bool] | None = None,
) -> Report:
    """Resolve and rewrite every figure reference and local link in `report`'s answers (and free-form text).

    Fills `report.figures` (one Figure per reference, in order) and appends Problems to
    `report.problems`. Returns the same, mutated, Report. `lfs(path)` tells files stored with Git LFS:
    the repository holds only a pointer, so such a figure is shown from GitHub (its raw address, not copied).
    """
    index = TreeIndex(tree)
    repo = parse_repo_url(repo_url)
    base = figure_base.rstrip("/")
    texts: list[tuple[int | None, str]] = [(a.number, a.markdown) for a in report.answers]
    if report.free_form_markdown is not None:
        texts.append((None, report.free_form_markdown))
    problems: list[Problem] = []
    for key, (question, text) in enumerate(texts):
        where = f"Q{question}" if question is not None else report_path
        unwrapped, found = unwrap_code_images(text)
        texts[key] = (question, unwrapped)
        problems += [
            Problem(where, f"image written inside inline code, shown as an image: {ref}", group)
            for ref in found
        ]

    definitions: dict[str, str] = {}
    for _, text in texts:
        for label, dest in find_definitions(text).items():
            definitions.setdefault(label, dest)

    links_per_text = [find_links(text, definitions=definitions) for _, text in texts]
    hits: list[_Hit] = []
    for key, links in enumerate(links_per_text):
        question = texts[key][0]
        for link in links:
            if link.kind is None:
                continue
            loc = locate_image(link.dest, index, report_path, repo)
            figure = figure_for(link.dest, loc)
            figure.question = question
            if figure.path and lfs is not None and lfs(figure.path):
                _in_lfs(figure, repo, commit)
            hits.append(_Hit(key, link, figure, loc))

    copied = [h for h in hits if h.figure.path and h.figure.status != "missing" and not h.figure.hosted]
    names = site_names([h.figure.path for h in copied], posixpath.dirname(report_path))  # type: ignore[misc]
    for h in copied:
        h.figure.site_name = names[h.figure.path]  # type: ignore[index]

    new_texts = []
    for key, (question, text) in enumerate(texts):
        where = f"Q{question}" if question is not None else report_path
        edits: list[_Edit] = []
        mine = [h for h in hits if h.text_key == key]
        image_spans = {(h.link.start, h.link.end) for h in mine}
        for h in mine:
            edits.extend(_figure_edits(text, h, base))
            problems.extend(_figure_problems(h, where, group))
        for link in links_per_text[key]:
            if (link.start, link.end) in image_spans or link.image:
                continue
            edit_list, problem = _link_edits(text, link, index, report_path, repo, commit, where, group)
            edits.extend(edit_list)
            if problem is not None:
                problems.append(problem)
        for ref in find_code_image_refs(text):
            problems.append(
                Problem(
                    where, f"image written inside code is shown as code, not as an image: {ref.ref}", group
                )
            )
        new_texts.append(_apply(text, edits))

    for answer, new in zip(report.answers, new_texts, strict=False):
        answer.markdown = new
    if report.free_form_markdown is not None:
        report.free_form_markdown = new_texts[-1]
    report.figures = [h.figure for h in hits]
    report.problems.extend(problems)
    return report


_FENCE = re.compile(r"^\s{0,3}(?:>\s?)*(`{3,}(?=[^`]*$)|~{3,})")  # a backtick fence's info has no backtick
_CODE_IMAGE = re.compile(r"(?<!`)`\s*(!\[[^\]`\n]*\]\([^)`\n]+\))\s*`(?!`)")


def unwrap_code_images(text: str) -> tuple[str, list[str]]:
    """Unwrap inline code spans that hold nothing but one image link (`` `![a](figures/x.png)` ``).

    Groups copy the template's instruction literally; report.py counts these as images, and so do we.
    Fenced blocks are left alone. Returns the new text and the image links that were unwrapped.
    """
    out, found, fence = [], [], None
    for line in text.splitlines(keepends=True):
        m = _FENCE.match(line)
        if m:
            marker = m.group(1)[0] * 3
            fence = None if fence and marker == fence else (fence or marker)
            out.append(line)
            continue
        if fence is None and "`![" in line.replace("` ![", "`!["):
            line = _CODE_IMAGE.sub(_unwrap_into(found), line)
        out.append(line)
    return "".join(out), found


def _unwrap_into(found: list[str]):
    def unwrap(m: re.Match[str]) -> str:
        if "<image>.<extension>" in m.group(1):  # the template's own instruction stays code
            return m.group(0)
        found.append(m.group(1))
        return m.group(1)

    return unwrap


def figure_files(report: Report) -> dict[str, str]:
    """site_name -> repo path of every figure the site must copy (deduplicated)."""
    return {f.site_name: f.path for f in report.figures if f.site_name and f.path}


def summarize(figures: list[Figure]) -> dict:
    """Counts for dashboards: referenced, resolved (incl. case-mismatch), external, and the refs not shown.

    `missing` lists the refs that are not shown (status missing or unsafe); `case_mismatch` and
    `unsafe` count those statuses separately; `lfs` the resolved ones shown from GitHub.
    """
    return {
        "referenced": len(figures),
        "resolved": sum(f.status in ("resolved", "case-mismatch") for f in figures),
        "external": sum(f.status == "external" for f in figures),
        "missing": [f.ref for f in figures if f.status in ("missing", "unsafe")],
        "case_mismatch": sum(f.status == "case-mismatch" for f in figures),
        "unsafe": sum(f.status == "unsafe" for f in figures),
        "lfs": sum(f.hosted is not None for f in figures),
    }


def site_names(paths: list[str], report_dir: str = "reports") -> dict[str, str]:
    """A stable, URL-safe, unique file name for each repo path.

    Derived from the path below the report's folder (`reports/figures/W&B loss.png` ->
    `figures-w-b-loss.png`): ASCII, lower case (safe on case-insensitive disks), extension kept.
    Paths whose names collide are told apart by a short hash of the path, except the one that sorts
    first, so a name depends only on the set of paths, not on reference order.
    """
    by_name: dict[str, list[str]] = defaultdict(list)
    for path in sorted(set(paths)):
        by_name[_base_name(path, report_dir)].append(path)
    out: dict[str, str] = {}
    taken = set(by_name)
    for name, group in by_name.items():
        out[group[0]] = name
        for path in group[1:]:
            stem, ext = posixpath.splitext(name)
            candidate = f"{stem}-{_hash(path)}{ext}"
            while candidate in taken:
                candidate = f"{stem}-{_hash(candidate)}{ext}"
            taken.add(candidate)
            out[path] = candidate
    return out


def missing_marker(ref: str, *, unsafe: bool = False) -> str:
    """The visible stand-in for a figure that cannot be shown, naming the path as written.

    The path is HTML-escaped, and Markdown punctuation is written as character references too, so it
    shows exactly as written (no emphasis, no links).
    """
    shown = ref.translate(_ESCAPES)
    if unsafe:
        return f'<span class="{MISSING_CLASS} ca-unsafe-figure">figure not shown: {shown}</span>'
    return f'<span class="{MISSING_CLASS}">missing figure: {shown}</span>'


# --- helpers ---------------------------------------------------------------------------------------


def _base_name(path: str, report_dir: str) -> str:
    rel = path[len(report_dir) + 1 :] if report_dir and path.startswith(report_dir + "/") else path
    stem, ext = posixpath.splitext(rel)
    ext = ext.lower() if re.fullmatch(r"\.[A-Za-z0-9]{1,10}", ext) else ""
    parts = [_slug(part) for part in stem.split("/")]
    if not parts[-1]:  # nothing ASCII left of the file's own name
        parts[-1] = f"figure-{_hash(path)}"
    slug = "-".join(p for p in parts if p)
    if len(slug) > 80:
        slug = f"{slug[:70].rstrip('-')}-{_hash(path)}"
    return f"{slug}{ext}"


def _slug(text: str) -> str:
    ascii_text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()
    return re.sub(r"[^a-z0-9]+", "-", ascii_text.lower()).strip("-")


def _hash(text: str) -> str:
    return hashlib.sha1(text.encode()).hexdigest()[:8]


def _in_lfs(figure: Figure, repo: Repo | None, commit: str | None) -> None:
    """A figure stored with Git LFS: shown from GitHub (its raw address), or missing off GitHub."""
    if repo is not None and commit and figure.path:
        figure.hosted = raw_url(repo.owner, repo.name, commit, figure.path)
    else:
        figure.status = "missing"


def _figure_edits(text: str, h: _Hit, base: str) -> list[_Edit]:
    link, fig = h.link, h.figure
    if fig.status == "external":
        return []
    if fig.hosted:
        return _retarget(text, link, fig.hosted)
    if fig.status in ("resolved", "case-mismatch"):
        target = f"{base}/{fig.site_name}" if base else str(fig.site_name)
        return _retarget(text, link, target)
    marker = missing_marker(link.dest, unsafe=fig.status == "unsafe")
    if link.image or link.text_start < 0:
        return [_Edit(link.start, link.end, marker)]
    # a plain link to a missing image: keep its text, drop the link, add the marker after it
    return [_Edit(link.start, link.text_start, ""), _Edit(link.text_end, link.end, " " + marker)]


def _retarget(text: str, link: Link, target: str) -> list[_Edit]:
    """Edits that point `link` at `target`, keeping everything else as written."""
    if link.syntax == "html":
        return [_Edit(link.dest_start, link.dest_end, html.escape(target, quote=True))]
    if link.syntax == "autolink":
        label = text[link.dest_start : link.dest_end].translate(_ESCAPES)
        return [_Edit(link.start, link.end, f"[{label}]({_md_dest(target)})")]
    if link.syntax == "reference":
        return [_Edit(link.text_end, link.end, f"]({_md_dest(target)})")]
    return [_Edit(link.dest_start, link.dest_end, target if link.angle else _md_dest(target))]


def _md_dest(target: str) -> str:
    return f"<{target}>" if re.search(r"[\s()<>]", target) else target


def _figure_problems(h: _Hit, where: str, group: str | None) -> list[Problem]:
    fig, loc = h.figure, h.loc
    ref = fig.ref
    if fig.status == "missing" and fig.path:
        return [Problem(where, f"figure {ref} is stored with Git LFS, which only GitHub can show", group)]
    if fig.status == "missing":
        return [Problem(where, f"missing figure: {ref} (no such file in the repository)", group)]
    if fig.hosted:
        message = f"figure {ref} is stored with Git LFS: shown from GitHub, not copied"
        return [Problem(where, message, group, "info")]
    if fig.status == "unsafe":
        return [
            Problem(
                where,
                f"figure not shown: {ref} (outside the repository, through a symlink, or not a web URL)",
                group,
            )
        ]
    if fig.status == "external":
        return [Problem(where, f"external image left on its host: {ref}", group, "info")]
    out = []
    if fig.status == "case-mismatch":
        out.append(
            Problem(
                where,
                f"figure {ref} matches {fig.path} only when ignoring case (GitHub does not show it)",
                group,
            )
        )
    if loc.note == ROOT_FALLBACK_NOTE:
        out.append(
            Problem(
                where, f"figure {ref} is {loc.note}; resolved to {fig.path} (GitHub does not show it)", group
            ),
        )
    elif loc.note:
        out.append(Problem(where, f"figure {ref} {loc.note}: {fig.path}", group, "info"))
    return out


def _link_edits(
    text: str,
    link: Link,
    index: TreeIndex,
    report_path: str,
    repo: Repo | None,
    commit: str | None,
    where: str,
    group: str | None,
) -> tuple[list[_Edit], Problem | None]:
    """Rewrite one non-image link: local targets go to GitHub, or lose the link."""
    loc = locate(link.dest, index, report_path=report_path, repo=None, links=True)
    if loc.status in ("external", "anchor") or link.syntax == "autolink":
        return [], None
    if loc.status == "unsafe" and _is_web_or_mail(link.dest):
        return [], None
    if loc.status == "unsafe" or repo is None:
        why = "it leaves the repository" if loc.status == "unsafe" else "the repository is not on GitHub"
        return _unlink(link), Problem(where, f"link to {link.dest} removed ({why})", group, "info")
    path = loc.path if loc.status in ("file", "dir") else loc.guess
    if path is None:
        return _unlink(link), Problem(where, f"link to {link.dest} removed (empty target)", group, "info")
    kind = "tree" if loc.status == "dir" or path == "" else "blob"
    url = f"{repo.url}/{kind}/{quote(commit or 'HEAD', safe='')}/{quote(path, safe='/')}".rstrip("/")
    url += loc.fragment
    problem = None
    if loc.status == "missing":
        problem = Problem(
            where,
            f"link to {link.dest}: no such file or folder in the repository (linked on GitHub)",
            group,
            "info",
        )
    return _retarget(text, link, url), problem


def _is_web_or_mail(dest: str) -> bool:
    return bool(re.match(r"^\s*<?\s*[A-Za-z][A-Za-z0-9+.\-]*:", dest))


def _unlink(link: Link) -> list[_Edit]:
    """Edits that keep a link's text and drop the link (for `<a>` tags: the tag goes, its text stays)."""
    if link.syntax == "html":
        return [_Edit(link.start, link.end, "")]  # the closing </a> renders nothing alone
    if link.text_start < 0:
        return []
    return [_Edit(link.start, link.text_start, ""), _Edit(link.text_end, link.end, "")]


def _apply(text: str, edits: list[_Edit]) -> str:
    """Apply the edits; one inside or overlapping an earlier, outer edit is dropped (the outer one wins)."""
    kept: list[_Edit] = []
    for e in sorted(edits, key=lambda e: (e.start, -(e.end - e.start))):
        if kept and e.start < kept[-1].end:
            continue  # inside (or overlapping) an earlier edit, which wins
        kept.append(e)
    out = []
    pos = 0
    for e in kept:
        out.append(text[pos : e.start])
        out.append(e.text)
        pos = e.end
    out.append(text[pos:])
    return "".join(out)
