"""writer.py: atomic, change-only writes."""

from __future__ import annotations

import os
from dataclasses import replace
from pathlib import Path

import pytest

from newsdesk.errors import PublishError
from newsdesk.models import Article
from newsdesk.publish import writer
from newsdesk.publish.hexo import post_filename
from newsdesk.publish.writer import remove_posts, write_if_changed
from tests.publish.seed import seed_article


def _render(article: Article) -> str:
    return f"title: {article.title}\n"


def _articles(n: int) -> list[Article]:
    return [seed_article(article_id=f"id-{i}", title=f"t{i}") for i in range(n)]


def test_write_if_changed_outcomes(tmp_path: Path) -> None:
    path = tmp_path / "a.md"
    assert write_if_changed(path, "one") == "new"
    assert write_if_changed(path, "one") == "unchanged"
    assert write_if_changed(path, "two") == "updated"
    assert path.read_bytes() == b"two"


def test_text_is_written_as_utf8_without_newline_translation(tmp_path: Path) -> None:
    path = tmp_path / "a.md"
    write_if_changed(path, "\n新媒体\r\n  ")
    assert path.read_bytes() == "\n新媒体\r\n  ".encode()


def _write_all(folder: Path, articles: list[Article], *, fsync: bool = True) -> list[str]:
    return [write_if_changed(folder / post_filename(a), _render(a), fsync=fsync) for a in articles]


@pytest.mark.parametrize("fsync", [True, False])
def test_unchanged_article_keeps_mtime(tmp_path: Path, fsync: bool) -> None:
    assert _write_all(tmp_path, _articles(2), fsync=fsync) == ["new", "new"]
    path = tmp_path / post_filename(_articles(2)[0])
    os.utime(path, ns=(1_000_000_000, 1_000_000_000))
    assert _write_all(tmp_path, _articles(2), fsync=fsync) == ["unchanged", "unchanged"]
    assert path.stat().st_mtime_ns == 1_000_000_000


def test_changed_article_is_updated(tmp_path: Path) -> None:
    _write_all(tmp_path, _articles(2))
    changed = [replace(a, title=a.title + "!") for a in _articles(2)]
    assert _write_all(tmp_path, changed) == ["updated", "updated"]
    assert (tmp_path / post_filename(changed[1])).read_text() == "title: t1!\n"


def test_no_partial_file_on_crash(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    path = tmp_path / "post.md"
    path.write_text("old complete post")
    real_fsync = os.fsync

    def crash(fd: int) -> None:
        real_fsync(fd)
        raise KeyboardInterrupt  # dies after writing some bytes, before the rename

    monkeypatch.setattr(writer.os, "fsync", crash)
    with pytest.raises(KeyboardInterrupt):
        write_if_changed(path, "new post that never lands")
    assert path.read_text() == "old complete post"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["post.md"]  # temp file removed


def test_no_empty_file_when_the_new_file_cannot_be_written(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    def fail(src: object, dst: object) -> None:
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(writer.os, "replace", fail)
    with pytest.raises(PublishError, match="No space left"):
        write_if_changed(tmp_path / "new.md", "text")
    assert list(tmp_path.iterdir()) == []


def test_remove_posts(tmp_path: Path) -> None:
    (tmp_path / "a.md").write_text("a")
    assert remove_posts(tmp_path, ["a.md", "missing.md"]) == ["a.md"]
    assert not (tmp_path / "a.md").exists()
    with pytest.raises(ValueError):
        remove_posts(tmp_path, ["../escape.md"])


def test_post_filename_is_stable_unique_and_short() -> None:
    a = seed_article()
    assert post_filename(a) == post_filename(seed_article(title="retitled"))
    assert post_filename(a) != post_filename(seed_article(article_id="other"))
    assert post_filename(a) != post_filename(seed_article(feed_key="https://other/feed"))
    name = post_filename(a)
    assert (
        len(name) == 19 and name.endswith(".md") and all(c in "0123456789abcdef" for c in name[:16])
    )


def test_posts_are_world_readable_whatever_the_umask(tmp_path: Path) -> None:
    old = os.umask(0o077)
    try:
        write_if_changed(tmp_path / "a.md", "one", fsync=False)
    finally:
        os.umask(old)
    assert (tmp_path / "a.md").stat().st_mode & 0o777 == 0o644


def test_temp_file_left_by_a_killed_run_is_reused(tmp_path: Path) -> None:
    (tmp_path / ".a.md.tmp").write_bytes(b"half a post from a killed run, longer than the new")
    assert write_if_changed(tmp_path / "a.md", "one", fsync=False) == "new"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["a.md"]
    assert (tmp_path / "a.md").read_text() == "one"


def test_a_few_posts_are_synced_alone_and_many_with_one_sync(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from newsdesk.publish import writer

    calls: list[str] = []
    monkeypatch.setattr(writer.os, "sync", lambda: calls.append("sync"))
    real_fsync = writer.os.fsync
    monkeypatch.setattr(writer.os, "fsync", lambda fd: calls.append("fsync") or real_fsync(fd))
    posts = [tmp_path / f"{i}.md" for i in range(40)]
    for post in posts:
        writer.write_if_changed(post, "正文", fsync=False)
    writer.flush_to_disk(posts[:1])
    assert "sync" not in calls and calls.count("fsync") == 2, "the post, then its folder"
    calls.clear()
    writer.flush_to_disk(posts)
    assert calls == ["sync"], "one sync of everything beats forty fsyncs"
