"""The environment git runs in: URL rewrites, an optional GitHub token, no prompts, secrets redacted.

Configuration reaches git only through `GIT_CONFIG_COUNT` / `GIT_CONFIG_KEY_<n>` / `GIT_CONFIG_VALUE_<n>`
of the subprocess, appended to whatever the caller's environment already sets there. Nothing of it is
written to the cache's git config, so a token never lands on disk, in a remote URL or in a log line.
"""

from __future__ import annotations

import base64
import os
import re
from collections.abc import Mapping

GITHUB_PREFIX = "https://github.com/"
TOKEN_FALLBACK_ENV = "GITHUB_TOKEN"

# Settings every git command of the fetch layer runs with.
BASE_CONFIG: tuple[tuple[str, str], ...] = (
    ("gc.auto", "0"),  # never prune the cache's objects behind our back (last good commits)
    ("maintenance.auto", "false"),
    ("core.logAllRefUpdates", "false"),
    ("protocol.ext.allow", "never"),
    ("fetch.writeCommitGraph", "false"),
)

_TOKEN_PATTERNS = (
    re.compile(r"\b(gh[pousr]_[A-Za-z0-9]{20,})"),
    re.compile(r"\b(github_pat_[A-Za-z0-9_]{20,})"),
    re.compile(r"(?i)(authorization:\s*)(\S+(?:\s+\S+)?)"),
    re.compile(r"(?i)\b(x-access-token:)\S+"),
)
_USERINFO = re.compile(r"([A-Za-z][A-Za-z0-9+.-]*://)(?!git@)[^/@\s]+@")


def find_token(token_env: str, environ: Mapping[str, str] | None = None) -> str | None:
    """The token from `token_env`, else from GITHUB_TOKEN; None when neither is set."""
    env = os.environ if environ is None else environ
    for name in (token_env, TOKEN_FALLBACK_ENV):
        value = env.get(name, "").strip() if name else ""
        if value:
            return value
    return None


def auth_header(token: str) -> str:
    """The HTTP header git sends to github.com with `token` (basic auth as x-access-token)."""
    raw = base64.b64encode(f"x-access-token:{token}".encode()).decode()
    return f"Authorization: Basic {raw}"


def secrets_of(token: str | None) -> tuple[str, ...]:
    """Every form of the token that could show up in text: plain, and base64 inside the header."""
    if not token:
        return ()
    header = auth_header(token).split()[-1]
    return (token, header, base64.b64encode(token.encode()).decode())


def git_env(
    *,
    offline: bool = False,
    url_rewrites: Mapping[str, str] | None = None,
    token: str | None = None,
    environ: Mapping[str, str] | None = None,
) -> dict[str, str]:
    """Environment variables (to add to the process environment) for every git command we run.

    Existing `GIT_CONFIG_COUNT` entries of `environ` are kept and ours are numbered after them.
    `offline` forbids every transport (`protocol.allow=never`), so even a lazy blob fetch cannot
    reach the network.
    """
    env = os.environ if environ is None else environ
    try:
        start = int(env.get("GIT_CONFIG_COUNT", "0") or "0")
    except ValueError:
        start = 0
    entries: list[tuple[str, str]] = list(BASE_CONFIG)
    for prefix, replacement in (url_rewrites or {}).items():
        entries.append((f"url.{replacement}.insteadOf", prefix))
    if offline:
        entries.append(("protocol.allow", "never"))
    elif token:
        entries.append((f"http.{GITHUB_PREFIX}.extraHeader", auth_header(token)))
    out = {
        "GIT_TERMINAL_PROMPT": "0",
        "GCM_INTERACTIVE": "never",
        "GIT_CONFIG_COUNT": str(start + len(entries)),
    }
    if not env.get("GIT_SSH_COMMAND") and not env.get("GIT_SSH"):
        out["GIT_SSH_COMMAND"] = "ssh -o BatchMode=yes"
    for i, (key, value) in enumerate(entries, start):
        out[f"GIT_CONFIG_KEY_{i}"] = key
        out[f"GIT_CONFIG_VALUE_{i}"] = value
    return out


def redact(text: str, secrets: tuple[str, ...] = ()) -> str:
    """`text` with tokens, auth headers and URL credentials replaced by `***`."""
    for secret in secrets:
        if secret:
            text = text.replace(secret, "***")
    text = _USERINFO.sub(r"\1***@", text)
    text = _TOKEN_PATTERNS[0].sub("***", text)
    text = _TOKEN_PATTERNS[1].sub("***", text)
    text = _TOKEN_PATTERNS[2].sub(r"\1***", text)
    return _TOKEN_PATTERNS[3].sub(r"\1***", text)
