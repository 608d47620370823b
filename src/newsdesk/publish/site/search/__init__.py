"""Full-text search for the static site: an incremental index of JSON files (``index``)
in immutable segments (``segment``), tokenized the same way in Python and in the search
page's JS (``tokens``)."""

from . import worker
from .index import FOLDER, SearchIndex
from .segment import Doc

__all__ = ["FOLDER", "Doc", "SearchIndex", "worker"]
