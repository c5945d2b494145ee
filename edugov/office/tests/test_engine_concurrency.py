"""Two people completing the same task at the same moment (PostgreSQL: real row locks)."""

from __future__ import annotations

import threading

import pytest
from django.db import connection

from edugov.office.errors import TaskTaken
from edugov.office.models import WorkTask
from edugov.office.workflow import engine
from edugov.office.workflow.builtin import OUTGOING
from edugov.office.workflow.testing import build_office, open_by_step, the_task
from edugov.platform.testing.fixtures import make_user

pytestmark = [
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(connection.vendor != "postgresql", reason="needs PostgreSQL row locks"),
]


def test_two_threads_one_task_one_winner(tree):
    office = build_office(tree)
    clerk2 = make_user("clerk2", unit=tree.province, role="office_clerk")
    instance = engine.start(OUTGOING, organization=tree.province, acting_user=office.drafter, title="并发")
    engine.complete(the_task(instance, "draft"), acting_user=office.drafter, outcome="submit")
    task = the_task(instance, "review")
    barrier = threading.Barrier(2)
    results: dict[str, object] = {}

    def act(user, outcome):
        try:
            stale = WorkTask.objects.get(pk=task.pk)
            barrier.wait(timeout=10)
            engine.complete(stale, acting_user=user, outcome=outcome)
            results[user.username] = "done"
        except TaskTaken as exc:
            results[user.username] = exc
        finally:
            connection.close()

    threads = [
        threading.Thread(target=act, args=(office.clerk, "pass")),
        threading.Thread(target=act, args=(clerk2, "return")),
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)
    assert sorted(type(v).__name__ for v in results.values()) == ["TaskTaken", "str"]
    winner = next(name for name, value in results.items() if value == "done")
    row = WorkTask.objects.get(pk=task.pk)
    assert row.completed_by.username == winner
    # Exactly one next step: sign-off after "pass", a new draft after "return".
    assert set(open_by_step(instance)) == ({"signoff"} if winner == "clerk" else {"draft"})
    assert WorkTask.objects.filter(process=instance, spec_name="review", status="done").count() == 1
