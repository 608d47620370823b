"""Image proxy: URL rewriting for published posts (``rewrite.py``, pure), and later the
signing, upstream fetching and ASGI app that serve those URLs."""
