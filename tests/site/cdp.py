"""A minimal Chrome DevTools Protocol client over websockets, for headless Chromium tests.

with Chromium.launch(profile_dir) as browser:
    page = browser.page()
    page.goto("http://127.0.0.1:8000/")
    page.evaluate("document.title")
    page.screenshot(path)
    page.errors  # console errors and uncaught exceptions seen so far
"""

from __future__ import annotations

import base64
import itertools
import json
import re
import subprocess
import threading
import time
import urllib.request
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from websockets.sync.client import ClientConnection, connect

FLAGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--disable-dev-shm-usage",
    "--hide-scrollbars",
    "--remote-debugging-port=0",
    "--remote-allow-origins=*",
]


class Page:
    def __init__(self, ws: ClientConnection) -> None:
        self._ws = ws
        self._ids = itertools.count(1)
        self.errors: list[str] = []
        self._events: list[dict[str, Any]] = []
        for method in ("Page.enable", "Runtime.enable", "Log.enable"):
            self.send(method)

    def send(self, method: str, **params: Any) -> dict[str, Any]:
        msg_id = next(self._ids)
        self._ws.send(json.dumps({"id": msg_id, "method": method, "params": params}))
        while True:
            msg = json.loads(self._ws.recv(timeout=60))
            if msg.get("id") == msg_id:
                if "error" in msg:
                    raise RuntimeError(f"{method}: {msg['error']}")
                return msg.get("result", {})
            self._event(msg)

    def _event(self, msg: dict[str, Any]) -> None:
        method, params = msg.get("method"), msg.get("params", {})
        self._events.append(msg)
        if method == "Runtime.exceptionThrown":
            self.errors.append(
                params["exceptionDetails"].get("text", "exception")
                + " "
                + str(params["exceptionDetails"].get("exception", {}).get("description", ""))
            )
        elif method == "Runtime.consoleAPICalled" and params.get("type") == "error":
            self.errors.append(
                " ".join(str(a.get("value", a.get("description"))) for a in params.get("args", []))
            )
        elif method == "Log.entryAdded" and params["entry"]["level"] == "error":
            self.errors.append(f"{params['entry'].get('text')} {params['entry'].get('url', '')}")

    def _wait_event(self, name: str, timeout: float = 30) -> None:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            msg = json.loads(self._ws.recv(timeout=timeout))
            self._event(msg)
            if msg.get("method") == name:
                return
        raise TimeoutError(name)

    def goto(self, url: str) -> None:
        self._events.clear()
        self.send("Page.navigate", url=url)
        self._wait_event("Page.loadEventFired")

    def evaluate(self, expression: str) -> Any:
        result = self.send(
            "Runtime.evaluate", expression=expression, awaitPromise=True, returnByValue=True
        )
        if "exceptionDetails" in result:
            raise RuntimeError(result["exceptionDetails"])
        return result["result"].get("value")

    def wait_for(self, expression: str, timeout: float = 20) -> Any:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            value = self.evaluate(expression)
            if value:
                return value
            time.sleep(0.1)
        raise TimeoutError(expression)

    def viewport(
        self, width: int, height: int, *, mobile: bool = False, dark: bool = False
    ) -> None:
        self.send(
            "Emulation.setDeviceMetricsOverride",
            width=width,
            height=height,
            deviceScaleFactor=2 if mobile else 1,
            mobile=mobile,
        )
        self.send(
            "Emulation.setEmulatedMedia",
            features=[{"name": "prefers-color-scheme", "value": "dark" if dark else "light"}],
        )

    def screenshot(self, path: Path, *, full_page: bool = False) -> None:
        params: dict[str, Any] = {"format": "png"}
        if full_page:
            params["captureBeyondViewport"] = True
            size = self.evaluate(
                "[document.documentElement.scrollWidth, document.documentElement.scrollHeight]"
            )
            params["clip"] = {
                "x": 0,
                "y": 0,
                "width": size[0],
                "height": min(size[1], 4000),
                "scale": 1,
            }
        data = self.send("Page.captureScreenshot", **params)["data"]
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(base64.b64decode(data))


class Chromium:
    def __init__(self, proc: subprocess.Popen[str], port: int) -> None:
        self.proc, self.port = proc, port
        self._sockets: list[ClientConnection] = []

    @classmethod
    def launch(cls, executable: str, profile: Path, *, extra_flags: Sequence[str] = ()) -> Chromium:
        proc = subprocess.Popen(
            [executable, *FLAGS, *extra_flags, f"--user-data-dir={profile}", "about:blank"],
            stderr=subprocess.PIPE,
            stdout=subprocess.DEVNULL,
            text=True,
        )
        assert proc.stderr is not None
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline:
            line = proc.stderr.readline()
            found = re.search(r"DevTools listening on ws://[^:]+:(\d+)/", line)
            if found:
                # Keep draining stderr, or Chromium blocks once the pipe buffer is full.
                threading.Thread(target=proc.stderr.read, daemon=True).start()
                return cls(proc, int(found.group(1)))
            if not line and proc.poll() is not None:
                break
        proc.kill()
        raise RuntimeError("chromium did not start")

    def connect(self) -> ClientConnection:
        """A DevTools connection to the browser's page (closed with the browser)."""
        with urllib.request.urlopen(f"http://127.0.0.1:{self.port}/json/list") as resp:
            targets = json.load(resp)
        target = next(t for t in targets if t["type"] == "page")
        ws = connect(target["webSocketDebuggerUrl"], max_size=None, open_timeout=30)
        self._sockets.append(ws)
        return ws

    def page(self) -> Page:
        return Page(self.connect())

    def close(self) -> None:
        for ws in self._sockets:
            ws.close()
        self.proc.terminate()
        try:
            self.proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            self.proc.kill()
            self.proc.wait()

    def __enter__(self) -> Chromium:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()
