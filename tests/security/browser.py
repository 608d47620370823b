"""Open pages in headless Chromium and record every hostile payload that ran.

    with HostileBrowser.launch(chromium, profile) as browser:
        visit = browser.visit("http://127.0.0.1:8000/a/index.html")
        visit.executed   # payload ids that called __pwn(id) or opened a dialog with alert(id)
        visit.clickable  # javascript:/data: URLs and injected on* handlers left in the DOM

Every document (frames included) gets ``window.__pwn`` before its own scripts run; it
reports through a CDP binding, so a payload names itself. ``alert``/``confirm``/``prompt``
are caught as dialogs (answered at once, so the page goes on). Requests to any host but
127.0.0.1 fail at once (``--host-resolver-rules``): the themes' CDN links cannot stall a
page, and nothing leaves the machine.
"""

from __future__ import annotations

import json
import re
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from websockets.sync.client import ClientConnection

from tests.site.cdp import Chromium, Page

__all__ = ["HostileBrowser", "Visit"]

FLAGS = ["--host-resolver-rules=MAP * ~NOTFOUND, EXCLUDE 127.0.0.1", "--mute-audio"]
_BINDING = "__newsdeskHit"
_INSTALL = f"""
window.__pwn = function (id) {{
  try {{ {_BINDING}(String(id)); }} catch (e) {{}}
  try {{ if (window.parent !== window) window.parent.__pwn(id); }} catch (e) {{}}
}};
"""
# After the theme's scripts ran: URLs that would run script when followed, and event
# handler attributes that came from a payload (their code calls __pwn or alert).
_SCAN = r"""(() => {
  const urlAttrs = new Set(['href', 'xlink:href', 'action', 'formaction', 'src', 'data',
                            'poster', 'background', 'srcdoc']);
  const dataOk = new Set(['img', 'image', 'source', 'video', 'audio', 'track', 'input']);
  const themeIdioms = new Set(['javascript:void(0)', 'javascript:void(0);', 'javascript:;',
                               'javascript:', 'javascript:void(0)//']);
  const found = [];
  const scan = (doc, where) => {
    for (const el of doc.querySelectorAll('*')) {
      const tag = el.localName;
      for (const attr of el.attributes) {
        const name = attr.name.toLowerCase();
        const value = attr.value;
        if (name.startsWith('on') && /__pwn|alert\(/.test(value)) {
          found.push([where, tag, name, value]);
          continue;
        }
        if (!urlAttrs.has(name)) continue;
        if (name === 'srcdoc') {
          if (/<script|\son\w+=/i.test(value)) found.push([where, tag, name, value]);
          continue;
        }
        const url = value.replace(/[\x00-\x20]/g, '').toLowerCase();
        if ((url.startsWith('javascript:') || url.startsWith('vbscript:'))
            && !themeIdioms.has(url)) {
          found.push([where, tag, name, value]);
        } else if (url.startsWith('data:') && !dataOk.has(tag)) {
          found.push([where, tag, name, value]);
        }
      }
    }
  };
  scan(document, 'page');
  for (const frame of document.querySelectorAll('iframe, frame')) {
    try { if (frame.contentDocument) scan(frame.contentDocument, 'frame'); } catch (e) {}
  }
  return found;
})()"""
# Two rendered frames and a task: toggles, animations and focus handlers have fired.
_FRAMES = (
    "new Promise(r => requestAnimationFrame(() => requestAnimationFrame(() => setTimeout(r, 20))))"
)
_ID = re.compile(r"-?\d+")


@dataclass
class Visit:
    url: str
    executed: set[int] = field(default_factory=set)
    clickable: list[list[str]] = field(default_factory=list)
    loaded: bool = True
    alive: bool = False  # the theme's own check (its scripts ran) held on this page


class _HostilePage(Page):
    """A Page that records binding calls and answers dialogs without waiting."""

    def __init__(self, ws: ClientConnection) -> None:
        self.hits: list[int] = []
        super().__init__(ws)
        self.send("Runtime.addBinding", name=_BINDING)
        self.send("Page.addScriptToEvaluateOnNewDocument", source=_INSTALL)

    def _event(self, msg: dict[str, Any]) -> None:
        super()._event(msg)
        method, params = msg.get("method"), msg.get("params", {})
        if method == "Runtime.bindingCalled" and params.get("name") == _BINDING:
            self.hits.append(_number(params.get("payload", "")))
        elif method == "Page.javascriptDialogOpening":
            self.hits.append(_number(params.get("message", "")))
            # Fire and forget: send() would read this reply in the middle of another call.
            self._ws.send(
                json.dumps(
                    {
                        "id": 10**9 + len(self.hits),
                        "method": "Page.handleJavaScriptDialog",
                        "params": {"accept": True, "promptText": ""},
                    }
                )
            )

    def open(self, url: str, timeout: float) -> None:
        self._events.clear()
        self.send("Page.navigate", url=url)
        self._wait_event("Page.loadEventFired", timeout=timeout)

    def settle(self, seconds: float) -> None:
        """Read events for ``seconds``: the theme's timers and handlers run meanwhile."""
        deadline = time.monotonic() + seconds
        while (left := deadline - time.monotonic()) > 0:
            try:
                msg = json.loads(self._ws.recv(timeout=left))
            except TimeoutError:
                return
            self._event(msg)


def _number(text: str) -> int:
    found = _ID.search(str(text))
    return int(found.group()) if found else -1


class HostileBrowser:
    load_timeout = 10.0

    def __init__(self, browser: Chromium) -> None:
        self._browser = browser
        self._page = _HostilePage(browser.connect())

    @classmethod
    def launch(cls, executable: str, profile: Path) -> HostileBrowser:
        return cls(Chromium.launch(executable, profile, extra_flags=FLAGS))

    def visit(self, url: str, *, settle: float = 0.0, alive: str = "true") -> Visit:
        """Open ``url``, wait for load, two frames and ``settle`` seconds, then look."""
        page = self._page
        page.hits.clear()
        visit = Visit(url)
        try:
            page.open(url, self.load_timeout)
        except TimeoutError:
            visit.loaded = False
        page.evaluate(_FRAMES)
        page.settle(settle)
        visit.clickable = page.evaluate(_SCAN) or []
        visit.alive = bool(
            page.evaluate(
                f"(() => {{ try {{ return !!({alive}); }} catch (e) {{ return false; }} }})()"
            )
        )
        visit.executed = set(page.hits)
        return visit

    def close(self) -> None:
        self._browser.close()

    def __enter__(self) -> HostileBrowser:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()
