"""The only publish module that touches the disk.

    write_if_changed(path, text) -> "new" | "updated" | "unchanged"
    flush_to_disk(paths)  (one sync for a batch written with fsync=False)
    remove_posts(posts_dir, filenames) -> list of removed names

Writes are atomic (a temp file in the same folder, fsync, ``os.replace``), so a reader or a
crash never sees a partial or empty post. Unchanged content leaves the file untouched, so
its mtime is kept and Hexo's ``updated`` date and incremental builds stay quiet.
"""

from __future__ import annotations

import contextlib
import os
from collections.abc import Iterable, Sequence
from pathlib import Path
from typing import Literal

from newsdesk.errors import PublishError

__all__ = ["flush_to_disk", "remove_posts", "write_if_changed"]

WriteOutcome = Literal["new", "updated", "unchanged"]


def _fsync_dir(folder: Path) -> None:
    # Makes the rename itself durable; not every platform can open a directory.
    with contextlib.suppress(OSError):
        fd = os.open(folder, os.O_RDONLY)
        try:
            os.fsync(fd)
        finally:
            os.close(fd)


def write_if_changed(path: Path, text: str, *, fsync: bool = True) -> WriteOutcome:
    """Write ``text`` (UTF-8, no newline translation) to ``path`` unless it already holds it.

    ``fsync=False`` skips the per-file flush to disk (about 10 ms each here): the rename is
    still atomic against a killed process, and a caller writing many files calls
    ``flush_to_disk`` once per batch before recording them as written. The temp file is
    ``.<name>.tmp`` beside the post: one writer per folder (the run lock) means no two
    writers share it, and one left by a killed run is overwritten or swept by the caller.
    Plain ``os`` calls throughout: at 10,000 posts a run, the pathlib and tempfile layers
    cost as much as the writing.
    """
    data = text.encode("utf-8")
    name = os.fspath(path)
    existing = _read_if_exists(name)
    if existing == data:
        return "unchanged"
    folder, base = os.path.split(name)
    tmp = os.path.join(folder, f".{base}.tmp")
    try:
        fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o644)
    except OSError as exc:
        raise PublishError(f"cannot write in {path.parent}: {exc}") from exc
    try:
        try:
            os.fchmod(fd, 0o644)  # posts are meant to be read by the site, whatever the umask
            view = memoryview(data)
            while view:
                view = view[os.write(fd, view) :]
            if fsync:
                os.fsync(fd)
        finally:
            os.close(fd)
        os.replace(tmp, name)
    except BaseException as exc:
        with contextlib.suppress(OSError):
            os.unlink(tmp)
        if isinstance(exc, OSError):
            raise PublishError(f"cannot write {path}: {exc}") from exc
        raise
    if fsync:
        _fsync_dir(path.parent)
    return "new" if existing is None else "updated"


def _read_if_exists(name: str) -> bytes | None:
    try:
        fd = os.open(name, os.O_RDONLY)
    except FileNotFoundError:
        return None
    except OSError as exc:
        raise PublishError(f"cannot read {name}: {exc}") from exc
    try:
        with open(fd, "rb") as handle:
            return handle.read()
    except OSError as exc:
        raise PublishError(f"cannot read {name}: {exc}") from exc


_FEW = 16  # up to this many files are synced one by one


def flush_to_disk(paths: Sequence[Path] = ()) -> None:
    """Make the writes so far durable: a few ``paths`` one by one (with their folders),
    else everything with one ``sync``, which costs what every dirty file of the machine
    costs (seconds on a busy disk), so a publish of one new post does not pay it."""
    if not 0 < len(paths) <= _FEW:
        os.sync()
        return
    for path in paths:
        fd = os.open(path, os.O_RDONLY)
        try:
            os.fsync(fd)
        finally:
            os.close(fd)
    for folder in {path.parent for path in paths}:
        _fsync_dir(folder)


def remove_posts(posts_dir: Path, filenames: Iterable[str]) -> list[str]:
    """Delete the named posts that exist; returns the names actually removed."""
    removed = []
    for name in filenames:
        if Path(name).name != name or name in ("", ".", ".."):
            raise ValueError(f"not a plain file name: {name!r}")
        try:
            (posts_dir / name).unlink()
        except FileNotFoundError:
            continue
        except OSError as exc:
            raise PublishError(f"cannot remove {posts_dir / name}: {exc}") from exc
        removed.append(name)
    return removed
