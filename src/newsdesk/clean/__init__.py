"""The clean stage: article HTML in, publishable HTML out.

    clean_html(html, base_url, policy=DEFAULT_POLICY) -> str
        site rules (rules.py) -> lazy images (images.py) -> URLs (urls.py)
        -> sanitize (sanitize.py), in that order, so a rule's output is always sanitized.
    first_image(html) -> str | None
    clean_title(raw) -> str

Image URLs are left as the originals: the image proxy is applied at publish time
(``newsdesk.imageproxy.rewrite``). ``canonical.py`` reads the cleaner's output (its image
and media tags) without a parse, after checking that it is in the form nh3 writes.
"""

from __future__ import annotations

from newsdesk.clean.cleaner import clean_html, first_image
from newsdesk.clean.policy import DEFAULT_POLICY, CleanPolicy
from newsdesk.clean.rules import SITE_RULES, SiteRules
from newsdesk.clean.text import clean_title, html_text

__all__ = [
    "DEFAULT_POLICY",
    "SITE_RULES",
    "CleanPolicy",
    "SiteRules",
    "clean_html",
    "clean_title",
    "first_image",
    "html_text",
]
