"""`newsdesk proxy serve` says where it listens and whether signing is on; `proxy sign`
refuses what is not an image URL."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
from pathlib import Path

import httpx
import pytest

from tests.support.cli import run_cli

KEY = "k" * 32
CLI = (sys.executable, "-m", "newsdesk.cli")


def _config(tmp_path: Path, keys: bool) -> Path:
    path = tmp_path / "newsdesk.yaml"
    path.write_text(
        "proxy_server:\n  public_url: https://img.example.org/\n  listen: 127.0.0.1:1\n"
        + (f"  keys: ['{KEY}']\n" if keys else ""),
        encoding="utf-8",
    )
    return path


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@pytest.mark.parametrize("keys", [True, False])
def test_serve_says_where_and_whether_signing_is_on(tmp_path: Path, keys: bool) -> None:
    port = _free_port()
    proc = subprocess.Popen(
        [
            *CLI,
            "proxy",
            "serve",
            "-c",
            str(_config(tmp_path, keys)),
            "--listen",
            f"127.0.0.1:{port}",
        ],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        env={**os.environ, "NO_COLOR": "1"},
    )
    try:
        deadline = time.monotonic() + 30
        while True:
            assert proc.poll() is None and time.monotonic() < deadline, proc.stderr
            try:
                if httpx.get(f"http://127.0.0.1:{port}/healthz", timeout=1).status_code == 200:
                    break
            except httpx.TransportError:
                time.sleep(0.1)
    finally:
        proc.terminate()
        out, err = proc.communicate(timeout=30)
    assert f"image proxy listening on http://127.0.0.1:{port}/" in out, out + err
    assert "public URL https://img.example.org/" in out
    assert ("signing on (1 key(s))" if keys else "signing off (no proxy_server.keys)") in out


@pytest.mark.parametrize("listen", ["8080", "localhost", "127.0.0.1:99999", ":80"])
def test_serve_refuses_a_bad_listen_address(tmp_path: Path, listen: str) -> None:
    result = run_cli("proxy", "serve", "-c", str(_config(tmp_path, True)), "--listen", listen)
    assert result.exit_code == 2
    assert "HOST:PORT" in result.output


def test_site_serve_refuses_a_bad_listen_address(tmp_path: Path) -> None:
    result = run_cli("serve", "-c", str(_config(tmp_path, True)), "--listen", "nowhere")
    assert result.exit_code == 2 and "HOST:PORT" in result.output


@pytest.mark.parametrize("url", ["not a url", "ftp://x.example/a.png", "/relative.png", ""])
def test_sign_refuses_what_is_not_an_image_url(tmp_path: Path, url: str) -> None:
    result = run_cli("proxy", "sign", url, "-c", str(_config(tmp_path, True)))
    assert result.exit_code == 2
    assert "not an image URL" in result.output


def test_sign_prints_the_signed_url(tmp_path: Path) -> None:
    result = run_cli("proxy", "sign", "https://a.example/x.png", "-c", str(_config(tmp_path, True)))
    assert result.exit_code == 0, result.output
    assert result.output.startswith("https://img.example.org/")
