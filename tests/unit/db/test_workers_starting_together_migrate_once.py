"""Several workers started at once (a cluster's rollout) all migrate the same fresh PostgreSQL
database: one applies the migrations, the others wait for it and find the schema at head."""

from __future__ import annotations

import threading
from typing import List

import pytest

from bot.db.migrate import current_revision, head_revision, upgrade

pytestmark = pytest.mark.postgres


def test_four_workers_migrating_one_fresh_database_at_once_all_succeed(postgresql_url: str) -> None:
    errors: List[BaseException] = []
    start = threading.Barrier(4)

    def worker() -> None:
        start.wait()
        try:
            upgrade(postgresql_url)
        except BaseException as exc:  # noqa: BLE001 - collected for the assertion
            errors.append(exc)

    threads = [threading.Thread(target=worker) for _ in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(120)
    assert not errors, errors
    assert current_revision(postgresql_url) == head_revision()
