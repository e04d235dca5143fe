"""Running git: one function around GitPython's command runner, with redacted errors."""

from __future__ import annotations

import subprocess
from dataclasses import dataclass
from pathlib import Path

import git

from .gitenv import redact


@dataclass
class GitResult:
    """What a git command returned; `err` is already redacted."""

    status: int
    out: bytes
    err: str

    @property
    def ok(self) -> bool:
        return self.status == 0

    def text(self) -> str:
        return self.out.decode("utf-8", "replace")


class GitFailed(Exception):
    """A git command failed; the message is redacted and safe to show."""

    def __init__(self, message: str, stderr: str = "") -> None:
        super().__init__(message)
        self.stderr = stderr


def executable() -> str:
    return git.Git.GIT_PYTHON_GIT_EXECUTABLE or "git"


def run_git(
    args: list[str],
    *,
    cwd: Path | None,
    env: dict[str, str],
    input: bytes | None = None,
    timeout: float | None = None,
    secrets: tuple[str, ...] = (),
) -> GitResult:
    """Run `git args...` in `cwd` with `env` added to the environment; never raises for a git failure."""
    runner = git.Git(str(cwd) if cwd else None)
    command = [executable(), *args]
    if input is None:
        status, out, err = runner.execute(
            command,
            with_extended_output=True,
            with_exceptions=False,
            stdout_as_string=False,
            env=env,
            kill_after_timeout=timeout,
        )
    else:
        handle = runner.execute(command, istream=subprocess.PIPE, as_process=True, env=env)
        try:
            out, err = handle.proc.communicate(input, timeout=timeout)
        except subprocess.TimeoutExpired:
            handle.proc.kill()
            out, err = handle.proc.communicate()
            err = (err or b"") + b"\ntimed out"
        status = handle.proc.returncode
    if isinstance(err, bytes):
        err = err.decode("utf-8", "replace")
    return GitResult(int(status or 0), out or b"", redact(str(err or ""), secrets))


_GENERIC = ("could not read from remote repository", "please make sure you have the correct access")


def last_line(stderr: str) -> str:
    """The most telling line of git's error output, for a one-line problem message."""
    lines = [ln.strip() for ln in stderr.splitlines() if ln.strip()]
    errors = [
        ln.split(":", 1)[1].strip()
        for ln in lines
        if ln.lower().startswith(("fatal:", "error:", "remote:"))
        and not any(g in ln.lower() for g in _GENERIC)
    ]
    if errors:
        return errors[0][:300]
    return lines[-1][:300] if lines else ""


def explain(stderr: str) -> str:
    """A plain-words cause for a failed network git command (clone, fetch, ls-remote)."""
    low = stderr.lower()
    detail = last_line(stderr)
    if any(
        s in low
        for s in (
            "authentication failed",
            "could not read username",
            "could not read password",
            "terminal prompts disabled",
            "permission denied",
            "403",
            "401",
            "access denied",
            "invalid credentials",
        )
    ):
        cause = "access denied (a private repository, or a missing or wrong token)"
    elif any(
        s in low
        for s in (
            "repository not found",
            "does not appear to be a git repository",
            "not found",
            "404",
            "no such file or directory",
        )
    ):
        cause = "repository not found (deleted, renamed, or private)"
    elif any(
        s in low
        for s in (
            "could not resolve host",
            "failed to connect",
            "connection timed out",
            "connection refused",
            "network is unreachable",
            "timed out",
            "operation timed out",
            "unable to access",
            "protocol",
        )
    ):
        cause = "could not reach the server"
    else:
        cause = "git could not fetch the repository"
    return f"{cause}: {detail}" if detail else cause
