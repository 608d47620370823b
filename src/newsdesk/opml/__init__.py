"""OPML import into the YAML config, and export of the config's feed tree.

How outlines map onto ``groups`` (group → source → channel → url):

    OPML nesting                          group          source            channel
    feed at top level (flat list)         default_group  feed title        feed title
    folder > feed                         folder         feed title        feed title
    folder > feed "S · C" (flat export)   folder         S                 C
    folder > folder > feed                folder         inner folder      feed title
    folder > a > b > feed (deeper)        folder         "a / b"           feed title

A title is the outline's ``title``, else its ``text``, whitespace collapsed; an untitled
feed is named after its host. Export writes every feed three levels deep (or two with
``flat``), so export → import gives the same tree back either way.

    urls.py      rsshub:// routes and the canonical form duplicates are judged by
    read.py      OPML → feeds (safe XML parsing), and where each feed goes
    importer.py  import_opml: feeds into the config text, comments kept
    export.py    export_opml
"""

from newsdesk.opml.export import export_opml
from newsdesk.opml.importer import ImportReport, import_opml
from newsdesk.opml.urls import DEFAULT_RSSHUB, resolve_rsshub

__all__ = ["DEFAULT_RSSHUB", "ImportReport", "export_opml", "import_opml", "resolve_rsshub"]
