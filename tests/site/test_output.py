"""The site's page writer: a page written twice in one build ends with its last bytes."""

from __future__ import annotations

from pathlib import Path
from zoneinfo import ZoneInfo

from newsdesk.publish.site.output import Output
from newsdesk.publish.site.state import SiteState


def test_a_page_written_again_while_its_first_write_is_in_flight(tmp_path: Path) -> None:
    state = SiteState(tmp_path / "state.sqlite", ZoneInfo("Asia/Shanghai"))
    out = Output(tmp_path / "public", state, 1)
    out.fresh_state = True
    try:
        for n in range(400):
            out.write("g/s/index.html", f"version {n}".encode())
            out.write(f"a/{n}/index.html", b"x" * 20_000)
            out._submit()  # every write its own batch: the writer threads overlap them
        out.flush()
    finally:
        out.close()
        state.close()
    assert (tmp_path / "public/g/s/index.html").read_bytes() == b"version 399"
    assert not list((tmp_path / "public").rglob("*.tmp"))
