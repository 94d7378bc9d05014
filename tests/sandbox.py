"""Real failures from the operating system, for the reliability tests: no monkeypatching.

- ``unprivileged()``: root reads and writes anything, so permission tests run their commands as
  the ``nobody`` user (real and effective ids, dropped in this process and restored after, the
  saved id staying root's). Run as another user, file modes are enough and nothing is dropped.
- ``small_disk()``: a tmpfs of a few KiB that fills up for real (ENOSPC) and can be made
  read-only (EROFS). It needs the right to mount; the tests that use it skip, saying why, when
  that is refused.
"""

from __future__ import annotations

import contextlib
import os
import pwd
import shutil
import subprocess
import tempfile
from collections.abc import Iterator
from pathlib import Path

import pytest


@contextlib.contextmanager
def reachable_tmp() -> Iterator[Path]:
    """A scratch folder that another user may enter (pytest's tmp_path is private to root)."""
    folder = Path(tempfile.mkdtemp(prefix="vaultsync-"))
    folder.chmod(0o755)
    try:
        yield folder
    finally:
        shutil.rmtree(folder, ignore_errors=True)


def nobody() -> pwd.struct_passwd:
    try:
        return pwd.getpwnam("nobody")
    except KeyError:
        pytest.skip("running as root, and there is no 'nobody' user to drop privileges to")


def give_to_nobody(*paths: Path) -> None:
    """Make ``paths`` belong to the user the ``unprivileged`` block runs as (when root)."""
    if os.geteuid() == 0:
        user = nobody()
        for path in paths:
            os.chown(path, user.pw_uid, user.pw_gid)


@contextlib.contextmanager
def unprivileged() -> Iterator[None]:
    """Within the block, file access is checked as for ``nobody`` (when running as root)."""
    if os.geteuid() != 0:
        yield
        return
    user = nobody()
    groups = os.getgroups()
    os.setgroups([])
    os.setresgid(user.pw_gid, user.pw_gid, 0)  # real and effective; the saved id lets root back
    os.setresuid(user.pw_uid, user.pw_uid, 0)
    try:
        yield
    finally:
        os.setresuid(0, 0, 0)
        os.setresgid(0, 0, 0)
        os.setgroups(groups)


class SmallDisk:
    """A mounted tmpfs: ``fill()`` it to the last byte, ``read_only()`` remounts it so."""

    def __init__(self, where: Path) -> None:
        self.path = where

    def fill(self) -> None:
        for name, chunk in (("filler", 4096), ("filler-tail", 1)):  # then the last bytes, one by one
            with open(self.path / name, "wb", buffering=0) as handle, contextlib.suppress(OSError):
                while True:
                    handle.write(b"\0" * chunk)

    def empty(self) -> None:
        for name in ("filler", "filler-tail"):
            (self.path / name).unlink(missing_ok=True)

    def read_only(self, on: bool = True) -> None:
        _mount("-o", f"remount,{'ro' if on else 'rw'}", self.path)


@contextlib.contextmanager
def small_disk(where: Path, kib: int = 256) -> Iterator[SmallDisk]:
    where.mkdir(parents=True, exist_ok=True)
    try:
        _mount("-t", "tmpfs", "-o", f"size={kib}k,mode=0755", "tmpfs", where)
    except (OSError, subprocess.CalledProcessError) as err:
        pytest.skip(f"cannot mount a small tmpfs to fill for real ({err}): needs root with CAP_SYS_ADMIN")
    try:
        yield SmallDisk(where)
    finally:
        subprocess.run(["umount", where], check=False, capture_output=True)


def _mount(*args: str | Path) -> None:
    subprocess.run(["mount", *map(str, args)], check=True, capture_output=True, timeout=30)
