"""Full-text search for the static site: an incremental index of JSON files (``index``),
tokenized the same way in Python and in the search page's JS (``tokens``)."""

from .index import FOLDER, Doc, SearchIndex

__all__ = ["FOLDER", "Doc", "SearchIndex"]
