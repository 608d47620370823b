"""A readable feed with no entries is not an error, but its status says why."""

from __future__ import annotations

import json
from pathlib import Path

from click.testing import CliRunner

from newsdesk.cli import main
from tests.support.httpserver import LocalServer

# RSS 2.0 in UserLand's namespace with its items in a foreign one: 0 entries.
NO_ITEMS = b"""<?xml version="1.0"?>
<rss version="2.0" xmlns="http://backend.userland.com/rss2" xmlns:x="http://example.org/x">
<channel><title>t</title><link>http://example.org/</link><x:item><title>a</title></x:item>
</channel></rss>"""
REASON = "no entries: 1 <item> element(s) are in a namespace that is not RSS"


def test_feed_without_entries_says_why(server: LocalServer, tmp_path: Path) -> None:
    url = server.route("/feed", NO_ITEMS, headers={"Content-Type": "application/rss+xml"})
    config = tmp_path / "newsdesk.yaml"
    config.write_text(
        f"hexo_dir: ./blog\ndatabase: ./newsdesk.db\ngroups:\n  g:\n    s:\n      c: {url}\n",
        encoding="utf-8",
    )
    result = CliRunner().invoke(main, ["run", "-c", str(config)], catch_exceptions=False)
    assert result.exit_code == 0, result.output
    log_line = next(ln for ln in result.output.splitlines() if "feed has no entries" in ln)
    assert f'reason="{REASON}"' in log_line and f'feed="{url}"' in log_line
    # The run table's note column (folded to the terminal's width) leads with the reason.
    table = "".join(result.output.split(log_line, 1)[1].split()).replace("│", "")
    assert "".join(REASON.split()) in table
    # ...and `newsdesk status` says it after the run (the store keeps the parse's note).
    status = CliRunner().invoke(main, ["status", "--json", "-c", str(config)])
    assert status.exit_code == 0, status.output
    (row,) = json.loads(status.output)
    assert row["note"].startswith(REASON) and row["last_error"] is None
