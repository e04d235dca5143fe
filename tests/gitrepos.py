"""Helpers that build real git repositories for tests (bare, served over file:// like a forge).

    src = BareRepo.create(tmp_path / "g1.git")
    c1 = src.commit({"reports/README.md": "# Report"}, date="2025-01-20T12:00:00+01:00")
    src.commit({"reports/figures/a.png": PNG}, date="2025-01-25T09:00:00+01:00")
    src.tag("v1", c1)
    url = src.url  # file:///.../g1.git

Commits are made with git plumbing (hash-object, a temporary index, commit-tree), so no work tree is
needed and dates are exact. The repos allow partial clones and fetching any commit or blob by id, as
github.com does. All content is invented.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import tempfile
from pathlib import Path

FILE = "100644"
EXECUTABLE = "100755"
SYMLINK = "120000"
SUBMODULE = "160000"

# A tiny valid PNG (1x1 pixel), for figure files.
PNG = bytes.fromhex(
    "89504e470d0a1a0a0000000d4948445200000001000000010806000000"
    "1f15c4890000000d49444154789c6360f8cfc0f01f0005000201e2215bc60000000049454e44ae426082"
)

_ENV = {
    "GIT_AUTHOR_NAME": "Test Author",
    "GIT_AUTHOR_EMAIL": "author@example.invalid",
    "GIT_COMMITTER_NAME": "Test Committer",
    "GIT_COMMITTER_EMAIL": "committer@example.invalid",
    "GIT_CONFIG_NOSYSTEM": "1",
}


def git(cwd: Path, *args: str, input: bytes | None = None, env: dict[str, str] | None = None) -> str:
    """Run git in `cwd` (a bare repository or any folder) and return stdout; raise on failure."""
    full = {**os.environ, **_ENV, **(env or {})}
    res = subprocess.run(["git", *args], cwd=cwd, input=input, capture_output=True, env=full)
    if res.returncode != 0:
        raise RuntimeError(f"git {' '.join(args)} failed in {cwd}: {res.stderr.decode(errors='replace')}")
    return res.stdout.decode()


class BareRepo:
    """A bare repository that tests commit to directly."""

    def __init__(self, path: Path) -> None:
        self.path = Path(path)

    @classmethod
    def create(cls, path: Path, branch: str = "main") -> BareRepo:
        path = Path(path)
        path.mkdir(parents=True, exist_ok=True)
        git(path, "init", "--quiet", "--bare", f"--initial-branch={branch}")
        for key, value in (
            ("uploadpack.allowFilter", "true"),
            ("uploadpack.allowAnySHA1InWant", "true"),
            ("uploadpack.allowReachableSHA1InWant", "true"),
        ):
            git(path, "config", key, value)
        return cls(path)

    @property
    def url(self) -> str:
        return "file://" + str(self.path.resolve())

    def commit(
        self,
        files: dict[str, str | bytes | None],
        *,
        date: str = "2025-01-20T12:00:00+01:00",
        message: str = "Update the report",
        branch: str | None = None,
        parent: str | None = None,
        modes: dict[str, str] | None = None,
        ref: str | None = None,
    ) -> str:
        """Commit `files` on top of the branch tip (or `parent`); None deletes a path. Returns the sha.

        `modes` gives special modes per path: SYMLINK (content = link target), SUBMODULE (content =
        a commit id), EXECUTABLE. `ref` writes the commit to that full ref instead of the branch.
        """
        branch = branch or self.head_branch()
        if parent is None and ref is None:
            parent = self.rev(f"refs/heads/{branch}")
        with tempfile.TemporaryDirectory() as tmp:
            env = {"GIT_INDEX_FILE": str(Path(tmp) / "index")}
            if parent:
                git(self.path, "read-tree", parent, env=env)
            for path, content in files.items():
                mode = (modes or {}).get(path, FILE)
                if content is None:
                    removal = (
                        f"0 {'0' * 40}\t{path}\n".encode()
                    )  # mode 0: drop the entry (no work tree needed)
                    git(self.path, "update-index", "--index-info", input=removal, env=env)
                    continue
                if mode == SUBMODULE:
                    sha = content.decode() if isinstance(content, bytes) else content
                else:
                    data = content.encode() if isinstance(content, str) else content
                    sha = git(self.path, "hash-object", "-w", "--stdin", input=data).strip()
                git(self.path, "update-index", "--add", "--cacheinfo", f"{mode},{sha},{path}", env=env)
            tree = git(self.path, "write-tree", env=env).strip()
        dates = {"GIT_AUTHOR_DATE": date, "GIT_COMMITTER_DATE": date}
        args = ["commit-tree", tree, "-m", message]
        if parent:
            args += ["-p", parent]
        sha = git(self.path, *args, env=dates).strip()
        git(self.path, "update-ref", ref or f"refs/heads/{branch}", sha)
        return sha

    def head_branch(self) -> str:
        return git(self.path, "symbolic-ref", "--short", "HEAD").strip()

    def rev(self, rev: str) -> str | None:
        """The commit id of `rev`, or None when it does not exist."""
        res = subprocess.run(
            ["git", "rev-parse", "--verify", "--quiet", f"{rev}^{{commit}}"],
            cwd=self.path,
            capture_output=True,
        )
        return res.stdout.decode().strip() or None

    def blob(self, rev: str, path: str) -> str:
        return git(self.path, "rev-parse", f"{rev}:{path}").strip()

    def branch(self, name: str, rev: str) -> None:
        git(self.path, "update-ref", f"refs/heads/{name}", rev)

    def delete_branch(self, name: str) -> None:
        git(self.path, "update-ref", "-d", f"refs/heads/{name}")

    def tag(self, name: str, rev: str, *, annotated: bool = False) -> None:
        if annotated:
            git(
                self.path,
                "tag",
                "-a",
                "-m",
                f"Tag {name}",
                name,
                rev,
                env={"GIT_COMMITTER_DATE": "2025-01-30T12:00:00Z"},
            )
        else:
            git(self.path, "update-ref", f"refs/tags/{name}", rev)

    def set_head(self, branch: str) -> None:
        git(self.path, "symbolic-ref", "HEAD", f"refs/heads/{branch}")


def bare_copy(src: Path, dest: Path) -> BareRepo:
    """A bare clone of `src` at `dest` that allows partial clones (e.g. to move or delete the original)."""
    subprocess.run(
        ["git", "clone", "--quiet", "--bare", str(src), str(dest)], check=True, capture_output=True
    )
    repo = BareRepo(dest)
    git(dest, "config", "uploadpack.allowFilter", "true")
    git(dest, "config", "uploadpack.allowAnySHA1InWant", "true")
    return repo


def remove(path: Path) -> None:
    """Delete a repository (simulates a deleted GitHub repository)."""
    shutil.rmtree(path)


def write_roster(path: Path, rows: list[tuple[int, str]], students: int = 2) -> Path:
    """A roster CSV with `rows` of (group number, repo URL) and invented student ids."""
    path.parent.mkdir(parents=True, exist_ok=True)
    lines = ["group_number,student_1,student_2,student_3,student_4,student_5,repo_url"]
    for group, url in rows:
        ids = [f"s{990000 + group * 10 + k}" for k in range(students)] + [""] * (5 - students)
        lines.append(",".join([str(group), *ids, url]))
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


def files_under(root: Path) -> list[Path]:
    """Every regular file below `root` (for grepping a cache)."""
    return [p for p in root.rglob("*") if p.is_file() and not p.is_symlink()]
