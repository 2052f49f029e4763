"""Scratch folders named by the process that made them, swept once that process is gone.

An import stages its checked rows (petitioners' names, ID numbers, phones), a backup its copy of the whole
database, a restore the unpacked archive, in a folder of the system's temporary directory. A process killed
mid-way (SIGKILL, the OOM killer, a power cut) cannot remove its own folder; the next one of the same kind
removes every such folder whose process no longer runs, so copies of the office's data do not pile up there.
A folder whose process still runs (an import waiting on the page for its confirmation) is kept.
"""

from __future__ import annotations

import contextlib
import os
import re
import shutil
import tempfile
from collections.abc import Iterator
from pathlib import Path

PREFIX = "petition-desk-"


def folder(kind: str) -> Path:
    """Sweep what dead processes left of `kind`, then make and return a new folder of this process."""
    sweep(kind)
    return Path(tempfile.mkdtemp(prefix=f"{PREFIX}{kind}-{os.getpid()}-"))


@contextlib.contextmanager
def scratch(kind: str) -> Iterator[Path]:
    """A folder of `kind` for the block, removed after it (and, if the process is killed, by the next one)."""
    path = folder(kind)
    try:
        yield path
    finally:
        shutil.rmtree(path, ignore_errors=True)


def sweep(kind: str) -> list[Path]:
    """Remove the folders of `kind` whose process no longer runs; return them."""
    own = re.compile(rf"{re.escape(PREFIX + kind)}-(\d+)-[^-]+$")
    gone = []
    for path in sorted(Path(tempfile.gettempdir()).glob(f"{PREFIX}{kind}-*")):
        found = own.match(path.name)
        if found and path.is_dir() and not _running(int(found.group(1))):
            shutil.rmtree(path, ignore_errors=True)
            gone.append(path)
    return gone


def _running(pid: int) -> bool:
    if pid == os.getpid():
        return True
    try:
        os.kill(pid, 0)  # no signal sent: only asks whether the process exists
    except ProcessLookupError:
        return False
    except PermissionError:  # another user's process: it runs
        return True
    return True
