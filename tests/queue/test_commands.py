"""The queue's commands on their own: the SQLite refusal, `queue init` (idempotent, and
migrating from an older recorded schema), `enqueue`, and what `status` shows."""

from __future__ import annotations

import json
from datetime import UTC, datetime
from pathlib import Path

import pytest

from newsdesk.queue.schema import latest_migration
from newsdesk.store import open_store
from tests.e2e.conftest import run_cli
from tests.queue.conftest import sql, write_config

FEEDS = [f"http://127.0.0.{2 + n % 2}:9/f/{n}.xml" for n in range(5)]  # never fetched here


@pytest.mark.parametrize("command", [["worker"], ["enqueue"], ["queue", "init"]])
def test_queue_commands_refuse_sqlite_with_a_clear_message(
    tmp_path: Path, command: list[str]
) -> None:
    config = write_config(tmp_path, "./newsdesk.db", FEEDS)
    result = run_cli(*command, "-c", str(config))
    assert result.exit_code == 2
    text = " ".join(result.output.split())
    assert f"`newsdesk {' '.join(command)}` needs PostgreSQL" in text
    assert "newsdesk.db" in text and "newsdesk run" in text
    assert not (tmp_path / "newsdesk.db").exists(), "refused before touching anything"


@pytest.mark.postgres
def test_queue_init_is_idempotent_and_keeps_queued_jobs(tmp_path: Path, pg_schema_url: str) -> None:
    config = write_config(tmp_path, pg_schema_url, FEEDS)
    first = run_cli("queue", "init", "-c", str(config))
    assert first.exit_code == 0 and "queue tables created" in first.output
    assert run_cli("enqueue", "-c", str(config)).exit_code == 0
    again = run_cli("queue", "init", "-c", str(config))
    assert again.exit_code == 0 and "up to date" in again.output
    assert sql(pg_schema_url, "SELECT count(*) FROM procrastinate_jobs")[0][0] == 5


@pytest.mark.postgres
def test_queue_init_applies_the_migrations_after_the_recorded_one(
    tmp_path: Path, pg_schema_url: str
) -> None:
    config = write_config(tmp_path, pg_schema_url, FEEDS)
    assert run_cli("queue", "init", "-c", str(config)).exit_code == 0
    older = "03.04.00_01_pre_add_retry_failed_job_procedure"
    sql(pg_schema_url, "UPDATE newsdesk_queue_schema SET procrastinate_migration = %s", older)
    refused = run_cli("enqueue", "-c", str(config))
    assert refused.exit_code == 2 and "queue init" in refused.output
    migrated = run_cli("queue", "init", "-c", str(config))
    assert migrated.exit_code == 0
    assert "03.04.00_50_post_add_retry_failed_job_procedure" in migrated.output
    recorded = sql(pg_schema_url, "SELECT procrastinate_migration FROM newsdesk_queue_schema")
    assert recorded == [(latest_migration(),)]
    assert run_cli("enqueue", "-c", str(config)).exit_code == 0


@pytest.mark.postgres
def test_worker_and_enqueue_ask_for_queue_init_first(tmp_path: Path, pg_schema_url: str) -> None:
    config = write_config(tmp_path, pg_schema_url, FEEDS)
    for command in (["worker"], ["enqueue"]):
        result = run_cli(*command, "-c", str(config))
        assert result.exit_code == 2
        assert "newsdesk queue init" in " ".join(result.output.split())


@pytest.mark.postgres
def test_enqueue_queues_due_feeds_once_with_their_locks(tmp_path: Path, pg_schema_url: str) -> None:
    config = write_config(tmp_path, pg_schema_url, FEEDS)
    assert run_cli("queue", "init", "-c", str(config)).exit_code == 0
    first = run_cli("enqueue", "-c", str(config))
    assert "queued 5 feed(s); 0 already queued" in first.output
    second = run_cli("enqueue", "-c", str(config), "--all")
    assert "queued 0 feed(s); 5 already queued or running" in second.output
    jobs = sql(
        pg_schema_url,
        "SELECT args->>'feed_key', lock, queueing_lock FROM procrastinate_jobs ORDER BY id",
    )
    for key, lock, queueing_lock in jobs:
        host = key.split("/")[2].split(":")[0]
        assert lock in (f"host:{host}:0", f"host:{host}:1")  # per_host 2: two lanes per host
        assert queueing_lock == f"feed:{key}"
    # Every feed just attempted and no job queued: none is due, but --all takes them all.
    sql(pg_schema_url, "DELETE FROM procrastinate_jobs")
    with open_store(pg_schema_url) as store:
        for key in FEEDS:
            store.record_not_modified(key, now=datetime.now(UTC))
    assert "queued 0 feed(s)" in run_cli("enqueue", "-c", str(config)).output
    assert "queued 5 feed(s)" in run_cli("enqueue", "-c", str(config), "--all").output


@pytest.mark.postgres
def test_status_shows_the_queue(tmp_path: Path, pg_schema_url: str) -> None:
    config = write_config(tmp_path, pg_schema_url, FEEDS)
    assert run_cli("queue", "init", "-c", str(config)).exit_code == 0
    assert run_cli("enqueue", "-c", str(config)).exit_code == 0
    shown = run_cli("status", "-c", str(config))
    assert shown.exit_code == 0
    assert "queue: 5 queued, 0 waiting for their time, 0 running, 0 failed" in shown.output
    as_json = json.loads(run_cli("queue", "status", "-c", str(config), "--json").output)
    assert (as_json["queued"], as_json["running"], as_json["workers"]) == (5, 0, [])
