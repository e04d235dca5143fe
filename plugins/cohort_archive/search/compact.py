"""Short fragment names in a written Pagefind bundle: a smaller `pf_meta`, which every first query loads.

Pagefind names each record's fragment file by a content hash (`en_5f504f7`) and lists every name in the
bundle's `pf_meta`. The browser loads the `pf_meta` of every bundle before it shows a hit, and random hex does
not compress: at 3,700 records the file is about 27 KB gzipped, so at 600 groups (four bundles) these names
are about half of a first query's bytes. `compact_fragment_names` renames the fragments `<lang>_<tag><n>`
(n counts up in base 36; the tag is a digest of the bundle as Pagefind wrote it, so a changed bundle gets new
URLs and no browser cache serves a stale fragment), which cuts `pf_meta` to about 16 KB.

Only names change: the index chunks and filters refer to pages by position, not by name. A bundle in a form
this module does not know (another Pagefind format) is left exactly as Pagefind wrote it.
"""

from __future__ import annotations

import gzip
import hashlib
import json
import os
import shutil
from pathlib import Path

import cbor2

SIGNATURE = b"pagefind_dcd"  # what Pagefind's files start with once gunzipped
ENTRY = "pagefind-entry.json"
DIGITS = "0123456789abcdefghijklmnopqrstuvwxyz"
TAG_LENGTH = 5


def base36(number: int) -> str:
    text = ""
    while True:
        number, digit = divmod(number, 36)
        text = DIGITS[digit] + text
        if not number:
            return text


def decode(data: bytes) -> object:
    """A Pagefind file's CBOR content (gzipped or not, after the signature)."""
    if not data.startswith(SIGNATURE):
        data = gzip.decompress(data)
    if not data.startswith(SIGNATURE):
        raise ValueError("not a Pagefind file")
    return cbor2.loads(data[len(SIGNATURE) :])


def encode(value: object) -> bytes:
    return gzip.compress(SIGNATURE + cbor2.dumps(value), compresslevel=9, mtime=0)


def _pages(meta: object) -> list[list] | None:
    """The meta's page list `[[fragment name, word count], ...]`, or None in an unknown format."""
    if not (isinstance(meta, list) and len(meta) >= 2 and isinstance(meta[1], list)):
        return None
    pages = meta[1]
    for page in pages:
        if not (isinstance(page, list) and len(page) >= 1 and isinstance(page[0], str) and page[0]):
            return None
    return pages


def compact_fragment_names(bundle: Path, salt: str = "") -> bool:
    """Rename the fragments of the Pagefind bundle in `bundle`; False when it was left as it was.

    `salt` tells bundles of one site apart (their fragment names must differ: hits from merged bundles are
    told apart by name).
    """
    entry_path = bundle / ENTRY
    try:
        entry = json.loads(entry_path.read_text(encoding="utf-8"))
        languages = entry["languages"]
        plans = []
        for language, info in languages.items():
            meta_path = bundle / f"pagefind.{info['hash']}.pf_meta"
            raw = meta_path.read_bytes()
            meta = decode(raw)
            pages = _pages(meta)
            if pages is None:
                return False
            plans.append((language, info, meta_path, raw, meta, pages))
    except (OSError, ValueError, KeyError, TypeError, cbor2.CBORDecodeError):
        return False
    fragments = bundle / "fragment"
    renames: list[tuple[str, str]] = []
    metas: list[tuple[str, dict, Path, object]] = []
    for language, info, meta_path, raw, meta, pages in plans:
        digest = hashlib.sha256(salt.encode() + b"\0" + raw).digest()
        tag = base36(int.from_bytes(digest[:8], "big") % 36**TAG_LENGTH).rjust(TAG_LENGTH, "0")
        for number, page in enumerate(pages):
            new = f"{language}_{tag}{base36(number)}"
            renames.append((page[0], new))
            page[0] = new
        metas.append((language, info, meta_path, meta))
    if len({new for _, new in renames}) != len(renames) or not all(
        (fragments / f"{old}.pf_fragment").is_file() for old, _ in renames
    ):
        return False
    # into a new folder, then swapped in: an old name may equal a new one
    staged = bundle / "fragment.renamed"
    shutil.rmtree(staged, ignore_errors=True)
    staged.mkdir()
    for old, new in renames:
        os.rename(fragments / f"{old}.pf_fragment", staged / f"{new}.pf_fragment")
    for rest in fragments.iterdir():  # fragments no page lists (none expected): kept as they were
        os.rename(rest, staged / rest.name)
    fragments.rmdir()
    staged.rename(fragments)
    for language, info, meta_path, meta in metas:
        data = encode(meta)
        info["hash"] = f"{language}_{hashlib.sha256(data).hexdigest()[:10]}"
        meta_path.unlink()
        (bundle / f"pagefind.{info['hash']}.pf_meta").write_bytes(data)
    entry_path.write_text(json.dumps(entry, ensure_ascii=False, separators=(",", ":")), encoding="utf-8")
    return True
