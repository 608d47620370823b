from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest

from newsdesk.models import Article
from newsdesk.publish.site import BuildReport, build_site

from .samples import metadata_only, sample_articles, sample_feeds, sample_options


@dataclass
class SiteBuilder:
    """Builds the sample site into one folder, counting the bodies it had to load."""

    out: Path
    loads: list[str] = field(default_factory=list)
    bodies: dict[str, str] = field(default_factory=dict)

    def load_html(self, article: Article) -> str:
        self.loads.append(article.article_id)
        return self.bodies[article.article_id]

    def build(self, articles: list[Article] | None = None, **options: Any) -> BuildReport:
        light, bodies = metadata_only(sample_articles() if articles is None else articles)
        self.bodies.update(bodies)
        self.loads.clear()
        return build_site(
            self.out,
            articles=iter(light),
            load_html=self.load_html,
            feeds=sample_feeds(),
            options=sample_options(**options),
        )


@pytest.fixture
def site(tmp_path: Path) -> SiteBuilder:
    return SiteBuilder(tmp_path / "public")


def html_files(root: Path) -> list[Path]:
    return sorted(root.rglob("*.html"))


Loader = Callable[[Article], str]
