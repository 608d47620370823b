"""``build_site``: bring out_dir up to date with the articles, touching only what changed.

A build first learns what changed: a store lists the articles changed or removed since
the position the state file recorded (a list of articles is compared with the state
instead). Only the pages those changes reach are rendered: the articles themselves,
their neighbours, the pages of each list from where an article entered or left it up
to the list's first page, the Atom feeds and archive when they show them. Anything that
changes every page (theme, options, the groups in the navigation, another source) makes
a cold build: every page rendered again from one pass over the articles, resumable if
interrupted, writing only pages whose bytes differ.
"""

from __future__ import annotations

import contextlib
import gc
import os
import shutil
import time
from collections.abc import Callable, Iterable, Iterator, Sequence
from pathlib import Path
from zoneinfo import ZoneInfo

from newsdesk.models import Article

from .cold import cold_build
from .incremental import COLD_AFTER, Delta, list_changes, store_changes
from .options import BuildReport, FeedHealth, SiteOptions
from .output import Output, digest
from .pages import Pages
from .render import Renderer
from .search import FOLDER, Doc, SearchIndex
from .search.index import remove_index
from .source import ArticleSource, ListSource
from .state import SiteState, default_state_file
from .theme import Theme, load_theme
from .times import TIME_FORMAT

__all__ = ["OLD_MANIFEST", "Progress", "build_site"]

Progress = Callable[[str, int, int], None]
OLD_MANIFEST = ".newsdesk-site.sqlite"  # where versions before 0.2 kept the state: in out_dir

# Bump when what pages hold changes shape, so old states rebuild once.
# "5": times carry their zone's name (site.timezone).
_INPUTS_VERSION = "5"
_PROBE_IMAGE = "https://example.invalid/newsdesk-probe.jpg"


def _silent(stage: str, done: int, total: int) -> None:
    pass


def build_site(
    out_dir: Path,
    *,
    feeds: Sequence[FeedHealth],
    options: SiteOptions,
    articles: Iterable[Article] | None = None,
    load_html: Callable[[Article], str] | None = None,
    source: ArticleSource | None = None,
    state_file: Path | None = None,
    progress: Progress | None = None,
) -> BuildReport:
    """Render the site into ``out_dir``; pages whose content did not change are left alone.

    Articles come from ``source`` (e.g. ``StoreSource(store)``), or from ``articles``
    (light ones get their body from ``load_html``). ``state_file`` (default: beside
    out_dir, see ``default_state_file``) is what makes the next build incremental.
    ``progress(stage, done, total)`` is told how far the long stages are ("articles",
    "lists", "search"), for a progress bar.
    """
    if source is None:
        if articles is None:
            raise TypeError("build_site needs articles= or source=")
        source = ListSource(articles, load_html)
    out_dir = Path(out_dir)
    state_path = Path(state_file) if state_file is not None else default_state_file(out_dir)
    _move_old_manifest(out_dir, state_path)
    with _cyclic_gc_paused():
        state = SiteState(state_path, ZoneInfo(options.timezone))
        try:
            build = _Build(out_dir, state, source, feeds, options, progress or _silent)
            return build.run()
        finally:
            state.close()


def _move_old_manifest(out_dir: Path, state_path: Path) -> None:
    """Take the state file older versions kept inside out_dir out of the uploaded folder
    (its page hashes are kept, so the first build rewrites only pages that differ)."""
    old = out_dir / OLD_MANIFEST
    if not old.exists():
        return
    if state_path.exists():
        old.unlink()
    else:
        state_path.parent.mkdir(parents=True, exist_ok=True)
        shutil.move(old, state_path)
    for suffix in ("-wal", "-shm", "-journal"):
        (out_dir / (OLD_MANIFEST + suffix)).unlink(missing_ok=True)


@contextlib.contextmanager
def _cyclic_gc_paused() -> Iterator[None]:
    """A build makes almost no reference cycles; the cyclic GC walking its many live
    objects again and again cost a quarter of a rebuild at 50,000 articles."""
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            gc.enable()


class _Build:
    def __init__(
        self,
        out_dir: Path,
        state: SiteState,
        source: ArticleSource,
        feeds: Sequence[FeedHealth],
        options: SiteOptions,
        progress: Progress,
    ) -> None:
        self.out_dir, self.state, self.source = out_dir, state, source
        self.feeds, self.options, self.progress = feeds, options, progress
        self.zone = ZoneInfo(options.timezone)
        self.theme = load_theme(options.theme_dir)
        self.started = time.perf_counter()
        self.cold_searched = False  # a cold build wrote the search index itself
        self._index: SearchIndex | None = None

    def _base_fingerprint(self, theme: Theme) -> str:
        o = self.options
        probe = o.image_url(_PROBE_IMAGE)  # image_url is a function: fingerprint what it does
        return digest(
            _INPUTS_VERSION,
            theme.fingerprint,
            o.title,
            o.description,
            o.base_url,
            o.root,
            str(o.per_page),
            o.placeholder or "",
            o.language,
            o.timezone,
            str(o.excerpt_chars),
            str(o.feed_entries),
            str(o.search_enabled),
            probe,
            # Only feeds whose mapping differs: adding an ordinary feed changes no page.
            *sorted(
                f"{k}={own}"
                for k, fn in o.feed_image_urls.items()
                if (own := fn(_PROBE_IMAGE)) != probe
            ),
            self.source.identity,
            os.fspath(self.out_dir.resolve()),
        )

    def run(self) -> BuildReport:
        st, o = self.state, self.options
        base = self._base_fingerprint(self.theme)
        cold = st.get("cold")
        resume = cold is not None and cold.get("base") == base and not o.force
        search_seconds, searched = 0.0, False
        out: Output | None = None
        # out_dir deleted or emptied behind the state's back: what the state says is on
        # disk is not, so everything is built again.
        lost = not (self.out_dir / "index.html").is_file()
        if lost and not resume:  # (a cold build in progress has not written it yet)
            st.forget_all_pages()
        if not (
            resume or o.force or lost or st.get("base") != base or st.get("position", -1) == -1
        ):
            out = self._incremental(base)  # None: the navigation changed, or too much
        if out is None:  # a cold build: resumed, or everything changed
            out = cold_build(self, base, resume=resume)
        try:
            t = time.perf_counter()
            searched = self._search(out) or self.cold_searched
            search_seconds = time.perf_counter() - t
            st.commit()
        finally:
            out.close()
        return BuildReport(
            pages_written=out.written_count,
            pages_unchanged=out.unchanged,
            pages_deleted=out.deleted_count,
            articles=st.home.count,
            seconds=time.perf_counter() - self.started,
            search_seconds=search_seconds,
            search_indexed=searched,
            written=tuple(out.written),
            deleted=tuple(out.deleted),
        )

    # Parts shared by cold and incremental builds

    def renderer(self) -> Renderer:
        groups = [(g.name, g.folder) for g in self.state.groups()]
        return Renderer(self.theme, self.options, groups)

    def pages(self, out: Output, renderer: Renderer) -> Pages:
        return Pages(self.state, out, renderer, self.options, self.source, self.zone)

    def search_index(self) -> SearchIndex:
        """The build's search index (one per build); a new or lost one queues everything."""
        if self._index is None:
            o = self.options
            # Results show URLs, dates and excerpts: only what changes those re-indexes
            # everything (not a theme or a title change).
            fingerprint = digest(o.root, o.timezone, str(o.excerpt_chars), TIME_FORMAT)
            self._index = SearchIndex(self.out_dir / FOLDER, self.state.db, fingerprint)
            if self._index.reset:
                self._index.queue_rows("SELECT uid FROM entries")
        return self._index

    def _search(self, out: Output) -> bool:
        """Index what is queued (``site.search_interval`` may defer it); with search
        turned off, remove the index a past build left."""
        if not self.options.search_enabled:
            return remove_index(self.out_dir / FOLDER, self.state.db)
        index = self.search_index()
        if not self.options.search:
            return False
        pages = self.pages(out, self.renderer())
        return index.update(
            arrange=self._arrange,
            load=lambda uids: self._docs(pages, uids),
            progress=lambda done, total: self.progress("search", done, total),
        )

    def _arrange(self, uids: Sequence[str]) -> list[str]:
        """The uids that are on the site, newest first."""
        found: list[tuple[str, str]] = []
        for i in range(0, len(uids), 500):
            part = list(uids[i : i + 500])
            marks = ",".join("?" * len(part))
            rows = self.state.db.execute(
                f"SELECT sk, uid FROM entries WHERE uid IN ({marks})", part
            )
            found.extend(rows)
        return [uid for _, uid in sorted(found)]

    def _docs(self, pages: Pages, uids: Sequence[str]) -> Iterator[tuple[str, Doc]]:
        for i in range(0, len(uids), 250):
            part = list(uids[i : i + 250])
            rows = self.state.rows(part)
            keys = [(rows[u][2], rows[u][3]) for u in part if u in rows]
            full = self.source.articles(keys)
            for uid in part:
                row = rows.get(uid)
                if row is None or (row[2], row[3]) not in full:
                    continue
                e = self.state.entry(row)
                e.article = full[(row[2], row[3])]
                yield uid, pages.search_doc(e)

    # Incremental builds

    def _incremental(self, base: str) -> Output | None:
        st = self.state
        since, upto = st.get("position"), self.source.position()
        delta = Delta(self.state, self.options, self.zone)
        if upto is not None and since is not None:
            if upto - since > max(COLD_AFTER, st.home.count // 2):
                return None
            removed, changed = store_changes(self.source, since, upto)
        else:
            removed, changed = list_changes(self.source, st, delta)
        delta.apply(removed, changed)
        groups = repr([(g.name, g.folder) for g in st.groups()])
        if groups != st.get("groups"):
            st.rollback()
            return None
        out = Output(self.out_dir, st, st.get("gen", 0))
        pages = self.pages(out, self.renderer())
        delta.render(pages, self.feeds, self.progress)
        if self.options.search_enabled:
            self.search_index().queue(delta.search_uids())
        out.flush()
        st.put("position", upto if upto is not None else 0)
        return out
