"""Publishing: Hexo posts in the seed's format, plus Hugo and Jekyll targets.

    hexo.py         render_post, post_filename, PROFILES (front-matter layouts as data)
    frontmatter.py  YAML scalars and dates that every reader reads back exactly
    writer.py       write_posts / write_if_changed / remove_posts (atomic, change-only)
    hugo.py         content/posts/<name>.md for Hugo
    jekyll.py       _posts/YYYY-MM-DD-<name>.html for Jekyll
    site/           the static site (built separately)

Submodules are imported explicitly (``from newsdesk.publish.hexo import render_post``) so
that importing one target never drags in another.
"""

__all__: list[str] = []
