"""Publish: what the store says is pending for each output target becomes post files,
marked written only once they are on disk."""

from __future__ import annotations

import hashlib
from collections.abc import Callable, Iterable
from itertools import islice
from pathlib import Path
from typing import Any

from newsdesk.config import USE_PROXY_SERVER, Config
from newsdesk.errors import PublishError
from newsdesk.models import Article, FeedSource

from .crash import checkpoint
from .outcomes import PublishSummary

__all__ = ["image_url_for", "publish", "remove_published"]

# Bumped when the rendered output changes shape, so every post is re-rendered once.
RENDER_VERSION = "1"
_MARK_BATCH = 200  # files marked written per transaction while publishing
_PUBLISHING = ".newsdesk-publishing"  # present while a publish runs: a crash left it


def image_url_for(config: Config, source: FeedSource | None) -> Callable[[str], str]:
    """The function that maps an original image URL to what a post shows, for one feed."""
    from newsdesk.imageproxy.rewrite import prefix_proxy

    if source is not None:
        prefix = source.image_proxy
    else:  # an article whose feed was removed from the config: the global default
        prefix = config.image_proxy or (USE_PROXY_SERVER if config.proxy_server else None)
    if prefix is None:
        return prefix_proxy("")
    if prefix == USE_PROXY_SERVER or (
        config.proxy_server is not None and prefix == config.image_proxy
    ):
        from newsdesk.imageproxy import url_builder

        return url_builder(config.proxy_server)
    return prefix_proxy(prefix)


def target_fingerprint(config: Config, target: str) -> str:
    """Changes whenever rendered output would change for every post (proxy, profile, …)."""
    parts = [
        RENDER_VERSION,
        target,
        config.front_matter,
        config.placeholder,
        config.image_proxy,
        repr(config.raw_proxy_server),
    ]
    # Only feeds with their own image proxy: adding an ordinary feed re-renders no post.
    default = config.image_proxy or (USE_PROXY_SERVER if config.proxy_server else "")
    parts += [
        f"{s.key}={s.image_proxy}" for s in config.sources if s.image_proxy != (default or None)
    ]
    return hashlib.sha256("\n".join(parts).encode()).hexdigest()[:12]


def publish(config: Config, store: Any, *, full: bool = False) -> list[PublishSummary]:
    """Write the posts of every configured output target that are new or changed."""
    return [_publish_target(config, store, target, full=full) for target in config.outputs]


def _publish_target(config: Config, store: Any, target: str, *, full: bool) -> PublishSummary:
    from newsdesk.publish.writer import flush_to_disk, write_if_changed

    renderer, out_dir = _renderer(config, target)
    state_name = f"{target}:{target_fingerprint(config, target)}"
    marker = out_dir / _PUBLISHING
    try:
        out_dir.mkdir(parents=True, exist_ok=True)
        if marker.exists():  # a killed run may have left temp files; we hold the run lock
            for stale in out_dir.glob(".*.tmp"):
                stale.unlink(missing_ok=True)
        marker.touch()
    except OSError as exc:
        raise PublishError(f"cannot create the {target} output folder {out_dir}: {exc}") from exc
    # A post keeps the file it was first written to, even when the store later renamed its
    # article (a feed that changed every guid) or the settings changed the target's name.
    # Names are looked up for the pending articles only, in every record this target
    # ever kept, so that no crash or --full can lose them.
    old_targets = [t for t in store.targets() if t.split(":", 1)[0] == target]
    if full:
        store.reset_target(state_name)
    # Only what changed after the last complete pass is looked at (the store's cursor).
    upto = store.change_position()
    summary = PublishSummary(target=target, out_dir=out_dir)
    written: list[tuple[str, str, str, str]] = []
    dirty: list[Path] = []  # files changed in this batch
    names_seen: set[str] = set()
    pending = iter(store.pending(state_name, upto=upto))
    while batch := list(islice(pending, _MARK_BATCH)):
        keys = [(a.feed_key, a.article_id) for a in batch]
        known_files = store.written_names(old_targets, keys) if old_targets else {}
        rendered = [(a, *renderer(a)) for a in batch]
        fresh = [name for a, name, _ in rendered if (a.feed_key, a.article_id) not in known_files]
        owners = store.file_owners(old_targets, fresh) if old_targets and fresh else {}
        for article, default_name, text in rendered:
            key = (article.feed_key, article.article_id)
            name = known_files.get(key) or _unclaimed(default_name, key, owners)
            if name in names_seen:  # two articles, one file: a bug, never silently overwrite
                raise RuntimeError(f"two articles map to the same file {name}")
            names_seen.add(name)
            outcome = write_if_changed(out_dir / name, text, fsync=False)
            checkpoint("written")
            setattr(summary, outcome, getattr(summary, outcome) + 1)
            written.append((article.feed_key, article.article_id, article.content_hash, name))
            if outcome != "unchanged":
                dirty.append(out_dir / name)
        if dirty:  # files are durable before the store says they were written
            flush_to_disk(dirty)
        store.mark_written(state_name, written)
        written, dirty = [], []
    store.advance_target(state_name, upto)
    for old in old_targets:  # settings changed: the old records are dead weight now
        if old != state_name:
            store.forget_target(old)
    marker.unlink(missing_ok=True)
    return summary


def _unclaimed(name: str, key: tuple[str, str], owners: dict[str, tuple[str, str]]) -> str:
    """``name``, unless another article already owns that file (an id a feed reused after
    a migration): then a name salted with this article's key."""
    if owners.get(name, key) == key:
        return name
    stem, dot, suffix = name.rpartition(".")
    salt = hashlib.sha256("\0".join(key).encode()).hexdigest()[:8]
    return f"{stem}-{salt}{dot}{suffix}" if dot else f"{name}-{salt}"


def _post_dir(config: Config, target: str) -> Path | None:
    """The folder a target's posts go in (None for an unknown target): the one place
    publishing and ``remove_published`` both take it from."""
    if target == "hexo":
        return config.posts_dir
    if target == "hugo":
        from newsdesk.publish.hugo import CONTENT_DIR

        return config.hugo_dir / CONTENT_DIR
    if target == "jekyll":
        from newsdesk.publish.jekyll import POSTS_DIR

        return config.jekyll_dir / POSTS_DIR
    return None


def _renderer(config: Config, target: str) -> tuple[Callable[[Article], tuple[str, str]], Path]:
    out_dir = _post_dir(config, target)
    if out_dir is None:
        raise ValueError(f"unknown output target {target!r}")
    sources = {s.key: s for s in config.sources}
    cache: dict[str, Callable[[str], str]] = {}

    def image_url(article: Article) -> Callable[[str], str]:
        if article.feed_key not in cache:
            cache[article.feed_key] = image_url_for(config, sources.get(article.feed_key))
        return cache[article.feed_key]

    if target == "hexo":
        from newsdesk.publish.hexo import post_filename, render_post

        def render(article: Article) -> tuple[str, str]:
            return post_filename(article), render_post(
                article,
                image_url=image_url(article),
                placeholder=config.placeholder,
                profile=config.front_matter,
            )

        return render, out_dir
    if target == "hugo":
        from newsdesk.publish import hugo

        def render_hugo(article: Article) -> tuple[str, str]:
            return hugo.post_filename(article), hugo.render_post(
                article, image_url=image_url(article), placeholder=config.placeholder
            )

        return render_hugo, out_dir
    if target == "jekyll":
        from newsdesk.publish import jekyll

        def render_jekyll(article: Article) -> tuple[str, str]:
            return jekyll.post_filename(article), jekyll.render_post(
                article, image_url=image_url(article), placeholder=config.placeholder
            )

        return render_jekyll, out_dir
    raise AssertionError(target)  # _post_dir knows no other target


def remove_published(config: Config, filenames: Iterable[tuple[str, str]]) -> int:
    """Delete post files by (target, filename), e.g. after ``prune``."""
    from newsdesk.publish.writer import remove_posts

    by_dir: dict[Path, set[str]] = {}
    for target, name in filenames:
        base = _post_dir(config, target.split(":", 1)[0])
        if base is not None:
            by_dir.setdefault(base, set()).add(name)
    return sum(len(remove_posts(base, sorted(names))) for base, names in by_dir.items())
