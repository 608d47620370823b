"""Per-item decisions of a fetch, judged against what is stored: which items are
unchanged, which id and date an article keeps, which the feed's rules keep."""

from __future__ import annotations

from dataclasses import replace
from typing import TYPE_CHECKING, Any

from newsdesk.config import Config
from newsdesk.models import Article, FeedHints, FeedSource

if TYPE_CHECKING:
    from newsdesk.process import KeyedEntry

__all__ = ["by_rules", "hints", "note", "reconcile", "stored_forms", "unchanged"]


def stored_forms(keyed: KeyedEntry) -> tuple[str, ...]:
    """The ids an entry's article may be stored under: its own, and the other form of a
    shared guid (``guid`` / ``guid|link``) that reconcile may keep it under."""
    guid = (keyed.entry.guid or "").strip()
    link = (keyed.entry.link or "").strip()
    if not guid or not link:
        return (keyed.article_id,)
    split = f"{guid}|{link}"
    return (keyed.article_id, guid if keyed.article_id == split else split)


def unchanged(keyed: KeyedEntry, known: dict[str, Article]) -> bool:
    """The feed sent this entry exactly as when its stored article was made."""
    return any(
        (stored := known.get(i)) is not None and stored.raw_hash == keyed.raw_hash
        for i in stored_forms(keyed)
    )


def reconcile(
    store: Any,
    source: FeedSource,
    articles: list[Article],
    known: dict[str, Article] | None = None,
    asked: set[str] | frozenset[str] = frozenset(),
) -> list[Article]:
    """Ids and dates that stay put across runs, judged against what is already stored.

    The processor splits a guid that repeats within one fetch into ``guid|link``; which
    form an article gets must not depend on what else the feed lists today, or posts would
    churn and one article could take over another's. An undated article keeps the date it
    was first seen with.
    """
    from newsdesk.process import UNDATED

    def split_form(article: Article) -> tuple[str | None, str | None]:
        """(bare guid, None) for a ``guid|link`` id; (None, ``guid|link``) for a bare guid."""
        aid, link = article.article_id, article.link
        if not link or aid == link:
            return None, None
        if aid.endswith("|" + link):
            return aid[: -len(link) - 1], None
        return None, f"{aid}|{link}"

    forms = [split_form(a) for a in articles]
    wanted = [a.article_id for a in articles] + [f for pair in forms for f in pair if f]
    # ``known``: what the store said about the ``asked`` ids; ask only for the rest.
    missing = [i for i in wanted if i not in asked]
    stored = dict(known or {})
    if missing:
        stored.update(store.get_articles(source.key, missing))  # one query for the feed
    out: list[Article] = []
    for article, (bare, split) in zip(articles, forms, strict=True):
        if bare is not None and bare in stored and stored[bare].link == article.link:
            article = replace(article, article_id=bare)  # the same article as before
        elif split is not None and split in stored:
            article = replace(article, article_id=split)  # it was split before: stay so
        if article.extra.get(UNDATED) and article.article_id in stored:
            article = replace(article, published=stored[article.article_id].published)
        out.append(article)
    return out


def note(parsed: Any) -> str | None:
    """What `newsdesk status` shows of a parse: its warnings; why, when it had no entries."""
    if not parsed.entries and not parsed.warnings:
        return "no entries"
    return "; ".join(parsed.warnings) or None


def hints(parsed: Any) -> FeedHints:
    return FeedHints(
        ttl_minutes=parsed.ttl_minutes,
        update_period=parsed.update_period,
        update_frequency=parsed.update_frequency,
        skip_hours=parsed.skip_hours,
        skip_days=parsed.skip_days,
    )


def by_rules(
    config: Config, source: FeedSource, articles: list[Article]
) -> tuple[list[Article], int]:
    options = config.options_for(source)
    if not (options.include or options.exclude):
        return articles, 0
    from newsdesk.filters import compile_rules

    rules = compile_rules(options.include, options.exclude)
    from newsdesk.clean.text import html_text

    kept = [a for a in articles if rules.keep(a.title, html_text(a.html))]
    return kept, len(articles) - len(kept)
