"""Publishing: Hexo posts in the seed's format, plus Hugo and Jekyll targets.

    hexo.py         render_post, post_filename, protect_body, PROFILES (layouts as data)
    frontmatter.py  YAML scalars and dates that every reader reads back exactly
    writer.py       write_if_changed / flush_to_disk / remove_posts (atomic, change-only)
    hugo.py         content/posts/<name>.md for Hugo (needs goldmark `unsafe = true`)
    jekyll.py       _posts/YYYY-MM-DD-<name>.html for Jekyll
    site/           the static site (built separately)

The Hexo and writer entry points are re-exported here; Hugo and Jekyll are imported from
their modules.
"""

from newsdesk.publish.hexo import PROFILES, post_filename, protect_body, render_post
from newsdesk.publish.writer import remove_posts, write_if_changed

__all__ = [
    "PROFILES",
    "post_filename",
    "protect_body",
    "remove_posts",
    "render_post",
    "write_if_changed",
]
