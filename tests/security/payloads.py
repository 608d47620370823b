"""Hostile strings for every field a feed or an OPML file controls.

Each payload is a template: ``{run}`` becomes a call that reports *which* payload in
*which* field ran (``__pwn(<id>)``, a function the browser test installs on every page),
``{id}`` the bare number (for ``alert(<id>)``, caught as a JavaScript dialog). An id is
``source * 10000 + field * 100 + payload index``, so a report names all three.

The list holds what broke real themes and sanitizers: tags that run on their own,
mutation shapes (markup that changes meaning when parsed twice), character references one
and two levels deep, quote, backslash and backtick break-outs for HTML attributes and
JavaScript strings, ``</script>`` / ``</title>`` break-outs, template syntax of Nunjucks,
EJS, Liquid, Vue and JavaScript template literals, and ``javascript:`` / ``data:`` URLs in
every spelling browsers accept.
"""

from __future__ import annotations

import base64
from dataclasses import dataclass

__all__ = ["FIELDS", "PAYLOADS", "SOURCES", "Placement", "decode_id", "payload_id", "render"]

PAYLOADS: tuple[str, ...] = (
    # Tags that run by themselves once parsed as markup.
    "<script>{run}</script>",
    "<img src=x onerror={run}>",
    "<svg onload={run}>",
    "<svg><script>{run}</script></svg>",
    "<details open ontoggle={run}>",
    "<iframe src=javascript:alert({id})>",
    "<iframe srcdoc='<script>parent.{run}</script>'>",
    "<input autofocus onfocus={run}>",
    "<video><source onerror={run}></video>",
    "<body onload={run}>",
    "<style>@keyframes pwn{{}}</style><b style=animation-name:pwn onanimationstart={run}>",
    "<svg><animate onbegin={run} attributeName=x dur=1s>",
    # Mutation shapes: harmless to one parser, script to the next.
    '<noscript><p title="</noscript><img src=x onerror={run}>">',
    "<math><mtext><table><mglyph><style><img src=x onerror={run}>",
    '<!--<img src="--><img src=x onerror={run}//">',
    '<svg></p><style><a id="</style><img src=x onerror={run}>">',
    # Character references, one, two and three levels deep, named and numeric.
    "&lt;img src=x onerror={run}&gt;",
    "&amp;lt;svg onload={run}&amp;gt;",
    "&amp;amp;lt;details open ontoggle={run}&amp;amp;gt;",
    "&#60;img src=x onerror={run}&#62;",
    "&#x3c;iframe src=javascript:alert({id})&#x3e;",
    # Quote, backslash and backtick break-outs (attributes, JS strings, template literals).
    '"><img src=x onerror={run}>',
    "'><img src=x onerror={run}>",
    '" autofocus tabindex=1 onfocus="{run}" x="',
    "' autofocus tabindex=1 onfocus='{run}' x='",
    "`><img src=x onerror={run}>",
    "';{run};//",
    '";{run};//',
    "\\';{run};//",
    "`;{run};//",
    # Raw-text element break-outs.
    "</script><script>{run}</script>",
    "</title><img src=x onerror={run}>",
    "</textarea></style></noscript><svg onload={run}>",
    # Template syntax: Nunjucks / Liquid, EJS, JS template literals, Vue / Angular.
    "{{{{ '\\x3cimg src=x onerror={run}\\x3e' | safe }}}}",
    "{{% raw %}}<img src=x onerror={run}>{{% endraw %}}",
    "${{{run}}}",
    "<%- '<img src=x onerror={run}>' %>",
    "{{{{constructor.constructor('{run}')()}}}}",
    # URLs: what link, guid, enclosure and image fields hold.
    "javascript:{run}",
    "JaVaScRiPt:{run}//http://a.example/x.jpg",
    " \tjavascript:{run}",
    "jav&#x61;script:{run}",
    "data:text/html,<script>parent.{run}</script>",
    "data:text/html;base64,{b64}",
    "https:javascript:{run}",
    'http://a.example/x.jpg"><img src=x onerror={run}>',
    "http://a.example/x.jpg' onerror='{run}",
    "http://a.example/x.jpg?<svg onload={run}>",
    # Links that only run when clicked: the DOM scan catches these.
    '<a href="javascript:{run}">click</a>',
    "<form><button formaction=javascript:{run}>go</button></form>",
    "<svg><a xlink:href=javascript:{run}><text y=20>x</text></a></svg>",
    "<base href=javascript:{run}//>",
)

# Where a payload sits: (code, name). RSS and Atom carry every feed field; OPML outline
# names become the group, source and channel of the config tree.
FIELDS: dict[int, str] = {
    1: "item title",
    2: "item link",
    3: "item guid",
    4: "item author",
    5: "item category",
    6: "enclosure url",
    7: "image url",
    8: "description",
    9: "content",
    10: "feed title",
    11: "opml group",
    12: "opml source",
    13: "opml channel",
}
SOURCES: dict[int, str] = {1: "rss", 2: "atom", 3: "opml"}


def payload_id(source: int, field: int, index: int) -> int:
    return source * 10000 + field * 100 + index


@dataclass(frozen=True)
class Placement:
    source: str
    field: str
    payload: str

    def __str__(self) -> str:
        return f"{self.source} {self.field} #{PAYLOADS.index(self.payload)} {self.payload!r}"


def decode_id(pid: int) -> Placement | None:
    source, rest = divmod(pid, 10000)
    field, index = divmod(rest, 100)
    if source not in SOURCES or field not in FIELDS or not 0 <= index < len(PAYLOADS):
        return None
    return Placement(SOURCES[source], FIELDS[field], PAYLOADS[index])


def render(index: int, source: int, field: int) -> str:
    """Payload ``index`` reporting itself as placed in ``field`` of ``source``."""
    pid = payload_id(source, field, index)
    run = f"__pwn({pid})"
    b64 = base64.b64encode(f"<script>parent.{run}</script>".encode()).decode()
    return PAYLOADS[index].format(run=run, id=pid, b64=b64)
