"""What the command line's entry point owns for the process: the garbage collector's pause
during a one-shot command, and what the commands made, kept until the process exits.

Library calls never change the interpreter's state; a one-shot command may, since the process
ends with it."""

from __future__ import annotations

import functools
from collections.abc import Callable
from typing import ParamSpec, TypeVar

from vaultsync.drivers.watch_process import collection_paused

_Made = TypeVar("_Made")
_Params = ParamSpec("_Params")


class UntilExit:
    """What the commands made, dropped only when the process exits: freeing a large audit object
    by object as a command returns costs more than leaving it to the exit. A process that runs
    commands one after another (the tests) keeps only the last command's (``clear``)."""

    def __init__(self) -> None:
        self.made: list[object] = []

    def keep(self, made: _Made) -> _Made:
        self.made.append(made)
        return made

    def clear(self) -> None:
        self.made.clear()


def one_shot(command: Callable[_Params, _Made]) -> Callable[_Params, _Made]:
    """No garbage collection while a one-shot command runs: the entries it loads hold no cycles,
    and each collection would walk all of them again; the process ends with the command. When
    it returns, what it made is set aside (``gc.freeze``) before collection resumes: else the
    first collection after it, as the process leaves, walks the whole vault once more."""

    @functools.wraps(command)
    def run(*args: _Params.args, **kwargs: _Params.kwargs) -> _Made:
        with collection_paused():
            return command(*args, **kwargs)

    return run
