"""The secret in the served calendar's URL: one per vault, made once, kept in the user's config
folder (not in the vault, which is often synced, shared or committed to git).

``$XDG_CONFIG_HOME/vaultsync/serve-tokens.json`` (default ``~/.config``; ``%APPDATA%`` on
Windows) maps each vault's absolute path to its token; the file is readable by its owner only.
It is read and rewritten under a lock on ``serve-tokens.json.lock`` beside it, so that several
``serve`` starting at once each keep their token.
"""

from __future__ import annotations

import contextlib
import json
import os
import secrets
import sys
from collections.abc import Iterator
from pathlib import Path

from vaultsync.errors import ConfigError
from vaultsync.store.files import ANY, write_if_changed

if sys.platform != "win32":
    import fcntl

TOKENS_FILE = "serve-tokens.json"


def config_dir() -> Path:
    """vaultsync's folder in the user's configuration folder."""
    base = os.environ.get("XDG_CONFIG_HOME") or (os.name == "nt" and os.environ.get("APPDATA"))
    return (Path(base) if base else Path.home() / ".config") / "vaultsync"


def vault_token(root: Path, *, new: bool = False, store: Path | None = None) -> str:
    """The token of the vault at ``root``, made (or, with ``new``, replaced) and saved when needed."""
    path = store or config_dir() / TOKENS_FILE
    key = str(root.resolve())
    with _locked(path):
        tokens = _load(path)
        token = tokens.get(key)
        if new or not isinstance(token, str):
            token = tokens[key] = secrets.token_urlsafe(24)
            _save(path, tokens)
    return token


@contextlib.contextmanager
def _locked(path: Path) -> Iterator[None]:
    """Hold the lock beside ``path``: each ``serve`` reads the tokens and writes them back whole,
    and two doing so at once lost a token (on Windows, where there is no flock, nothing is held)."""
    lock = path.with_name(path.name + ".lock")
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        fd = os.open(lock, os.O_RDWR | os.O_CREAT, 0o600)
    except OSError as err:
        raise ConfigError(f"{lock}: cannot lock the serve tokens ({err.strerror or err})") from None
    try:
        if sys.platform != "win32":
            fcntl.flock(fd, fcntl.LOCK_EX)
        yield
    finally:
        os.close(fd)  # and with it the lock


def _load(path: Path) -> dict[str, object]:
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        return {}
    except (OSError, UnicodeDecodeError, json.JSONDecodeError) as err:
        raise ConfigError(
            f"{path}: cannot read the serve tokens ({err}); delete it to make new ones"
        ) from None
    if not isinstance(data, dict):
        raise ConfigError(f"{path}: not a JSON object of serve tokens; delete it to make new ones")
    return data


def _save(path: Path, tokens: dict[str, object]) -> None:
    if not path.exists():
        os.close(os.open(path, os.O_WRONLY | os.O_CREAT, 0o600))  # write_if_changed keeps this mode
    write_if_changed(path, (json.dumps(tokens, indent=2, sort_keys=True) + "\n").encode(), ANY)
