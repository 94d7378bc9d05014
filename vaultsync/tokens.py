"""The secret in the served calendar's URL: one per vault, made once, kept in the user's config
folder (not in the vault, which is often synced, shared or committed to git).

``$XDG_CONFIG_HOME/vaultsync/serve-tokens.json`` (default ``~/.config``; ``%APPDATA%`` on
Windows) maps each vault's absolute path to its token; the file is readable by its owner only.
"""

from __future__ import annotations

import json
import os
import secrets
from pathlib import Path

from vaultsync.errors import ConfigError
from vaultsync.files import ANY, write_if_changed

TOKENS_FILE = "serve-tokens.json"


def config_dir() -> Path:
    """vaultsync's folder in the user's configuration folder."""
    base = os.environ.get("XDG_CONFIG_HOME") or (os.name == "nt" and os.environ.get("APPDATA"))
    return (Path(base) if base else Path.home() / ".config") / "vaultsync"


def vault_token(root: Path, *, new: bool = False, store: Path | None = None) -> str:
    """The token of the vault at ``root``, made (or, with ``new``, replaced) and saved when needed."""
    path = store or config_dir() / TOKENS_FILE
    tokens = _load(path)
    key = str(root.resolve())
    token = tokens.get(key)
    if new or not isinstance(token, str):
        token = tokens[key] = secrets.token_urlsafe(24)
        _save(path, tokens)
    return token


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
    path.parent.mkdir(parents=True, exist_ok=True)
    if not path.exists():
        os.close(os.open(path, os.O_WRONLY | os.O_CREAT, 0o600))  # write_if_changed keeps this mode
    write_if_changed(path, (json.dumps(tokens, indent=2, sort_keys=True) + "\n").encode(), ANY)
