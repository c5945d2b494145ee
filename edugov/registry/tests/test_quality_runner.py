"""The data-quality runner: findings open, stay, resolve and reopen; scores; audit; command."""

from __future__ import annotations

from decimal import Decimal
from io import StringIO

import pytest
from django.core.management import CommandError, call_command
from django.utils import timezone

from edugov.core.models import AuditEntry
from edugov.registry.models import GuardianLink, QualityFinding, QualityRun, QualityScore
from edugov.registry.quality.registry import get_rule
from edugov.registry.quality.runner import run_nightly, run_quality, run_quality_task, score_of
from edugov.registry.tests.test_quality_rules import bulk_pupils, pupil, teacher

pytestmark = pytest.mark.django_db


def guardian_rule():
    return [get_rule("student_without_guardian")]


def scores(run: QualityRun) -> dict[int, tuple[int, int, Decimal]]:
    return {s.organization_id: (s.checked, s.failed, s.score) for s in QualityScore.objects.filter(run=run)}


def test_findings_open_stay_resolve_and_reopen(tree):
    school = tree.school_tianshan
    pupil(school)
    orphan = pupil(school, guardian=False)
    first = run_quality([tree.province], trigger="manual", acting_user=None, rules=guardian_rule())
    finding = QualityFinding.objects.get()
    assert (finding.rule, finding.record_type, finding.record_id) == (
        "student_without_guardian",
        "student",
        orphan.student_id,
    )
    assert (finding.status, finding.organization_id, finding.run_id) == ("open", school.pk, first.pk)
    assert finding.severity == "error"
    # still there: the same finding, seen again
    second = run_quality([tree.province], rules=guardian_rule())
    again = QualityFinding.objects.get()
    assert again.pk == finding.pk
    assert again.first_seen == finding.first_seen
    assert again.last_seen > finding.last_seen
    assert again.run_id == second.pk
    # fixed: resolved, with the time
    other = pupil(school)
    GuardianLink.objects.create(
        student=orphan.student, guardian=other.student.guardian_links.get().guardian, relation="51"
    )
    run_quality([tree.province], rules=guardian_rule())
    resolved = QualityFinding.objects.get()
    assert resolved.status == "resolved"
    assert resolved.resolved_at is not None
    # broken again: the same row reopens
    GuardianLink.objects.filter(student=orphan.student).delete()
    run_quality([tree.province], rules=guardian_rule())
    reopened = QualityFinding.objects.get()
    assert (reopened.pk, reopened.status, reopened.resolved_at) == (finding.pk, "open", None)


def test_scores_per_school_and_per_bureau_above(tree):
    for _ in range(3):
        pupil(tree.school_tianshan)
    pupil(tree.school_tianshan, guardian=False)
    pupil(tree.school_kashi)
    pupil(tree.school_kashi)
    run = run_quality([tree.province], rules=guardian_rule())
    got = scores(run)
    assert got[tree.school_tianshan.pk] == (4, 1, Decimal("75.00"))
    assert got[tree.tianshan.pk] == (4, 1, Decimal("75.00"))
    assert got[tree.urumqi.pk] == (4, 1, Decimal("75.00"))
    assert got[tree.school_kashi.pk] == (2, 0, Decimal("100.00"))
    assert got[tree.province.pk] == (6, 1, Decimal("83.33"))
    assert tree.school_shayibake.pk not in got  # nothing checked there: no score
    assert run.finding_count == 1
    assert run.finished_at is not None
    assert score_of(0, 0) == Decimal("100.00")
    assert score_of(3, 5) == Decimal("0.00")


def test_a_run_over_a_county_leaves_other_subtrees_alone(tree):
    pupil(tree.school_tianshan, guardian=False)
    kashi = pupil(tree.school_kashi, guardian=False)
    run_quality([tree.province], rules=guardian_rule())
    assert QualityFinding.objects.filter(status="open").count() == 2
    GuardianLink.objects.create(
        student=kashi.student,
        guardian=pupil(tree.school_kashi).student.guardian_links.get().guardian,
        relation="51",
    )
    run = run_quality([tree.tianshan], rules=guardian_rule())
    # the Kashgar finding is outside the run: still open although fixed
    assert QualityFinding.objects.filter(status="open").count() == 2
    assert run.organization == tree.tianshan
    assert set(scores(run)) == {tree.tianshan.pk, tree.school_tianshan.pk}


def test_each_run_is_audited_once(tree):
    pupil(tree.school_tianshan, guardian=False)
    run = run_quality([tree.province], trigger="manual", acting_user=None)
    entries = AuditEntry.objects.filter(event_type="registry.quality_run")
    assert entries.count() == 1
    entry = entries.get()
    assert entry.target_id == str(run.pk)
    assert entry.organization_id == tree.province.pk
    assert entry.extra_data["open"] == run.finding_count >= 1
    assert entry.extra_data["trigger"] == "manual"


def test_all_rules_run_without_error_over_a_mixed_tree(tree):
    pupil(tree.school_tianshan)
    pupil(tree.school_kashi, guardian=False, class_name="")
    teacher(tree.school_tianshan)
    teacher(tree.school_kashi)
    run = run_quality(None, trigger="nightly", acting_user=None)
    assert run.organization == tree.province
    assert len(run.rules) >= 15
    assert set(QualityFinding.objects.values_list("rule", flat=True)) == {
        "student_without_guardian",
        "enrolment_without_class",
    }
    assert scores(run)[tree.school_tianshan.pk][1] == 0


def test_findings_of_a_retired_rule_are_resolved(tree):
    pupil(tree.school_tianshan)
    stale = QualityFinding.objects.create(
        rule="rule_that_was_removed",
        organization=tree.school_tianshan,
        record_type="student",
        record_id=1,
        message="old",
        last_seen=timezone.now(),
    )
    run_quality([tree.province])
    stale.refresh_from_db()
    assert stale.status == "resolved"


def test_nightly_job_and_background_task(tree):
    pupil(tree.school_tianshan, guardian=False)
    run_nightly()
    nightly = QualityRun.objects.get()
    assert nightly.trigger == "nightly"
    assert nightly.organization == tree.province
    run_id = run_quality_task.enqueue(tree.tianshan.pk, None).return_value
    manual = QualityRun.objects.get(pk=run_id)
    assert (manual.trigger, manual.organization) == ("manual", tree.tianshan)


def test_check_data_quality_command(tree):
    pupil(tree.school_tianshan, guardian=False)
    out = StringIO()
    call_command("check_data_quality", "--unit", tree.school_tianshan.school_code, stdout=out)
    run = QualityRun.objects.get()
    assert (run.organization, run.trigger) == (tree.school_tianshan, "command")
    assert "open findings" in out.getvalue()
    assert tree.school_tianshan.name in out.getvalue()
    call_command("check_data_quality", "--unit", str(tree.kashgar.pk), stdout=StringIO())
    assert QualityRun.objects.filter(organization=tree.kashgar).exists()
    call_command("check_data_quality", stdout=StringIO())
    assert QualityRun.objects.filter(organization=tree.province).exists()
    with pytest.raises(CommandError, match="No unit"):
        call_command("check_data_quality", "--unit", "no-such-unit", stdout=StringIO())


def _queries_for_a_fresh_run(tree) -> int:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from edugov.registry import codes

    QualityScore.objects.all().delete()
    QualityFinding.objects.all().delete()
    QualityRun.objects.all().delete()
    codes.clear_cache()
    with CaptureQueriesContext(connection) as queries:
        run_quality([tree.province])
    return len(queries)


def test_a_run_costs_the_same_queries_for_few_and_many_records(tree):
    # every rule aggregates in SQL: the number of queries does not grow with the records
    for school in (tree.school_tianshan, tree.school_kashi):
        pupil(school, guardian=False, class_name="")
        teacher(school, qualification_cert_number="", weekly_lessons=30)
    bulk_pupils(tree.school_tianshan, 46, class_name="2班")
    few = _queries_for_a_fresh_run(tree)
    findings_for_few = QualityFinding.objects.count()
    for school in (tree.school_kashi, tree.school_shayibake):
        for _ in range(5):
            pupil(school, guardian=False, class_name="")
            teacher(school, qualification_cert_number="", weekly_lessons=30)
        bulk_pupils(school, 60, class_name="1班")
    bulk_pupils(tree.school_tianshan, 60, class_name="3班")
    many = _queries_for_a_fresh_run(tree)
    assert QualityFinding.objects.count() > findings_for_few * 3
    assert many == few


def test_the_periodic_runner_starts_the_nightly_checks_once(tree):
    import datetime as dt
    import zoneinfo

    from edugov.core import periodic

    pupil(tree.school_tianshan, guardian=False)
    two_am = dt.datetime(2026, 3, 10, 2, 0, tzinfo=zoneinfo.ZoneInfo("Asia/Shanghai"))
    assert "registry.data_quality" in periodic.run_due(two_am)
    assert "registry.data_quality" not in periodic.run_due(two_am + dt.timedelta(minutes=1))
    run = QualityRun.objects.get()
    assert (run.trigger, run.organization) == ("nightly", tree.province)
    assert QualityFinding.objects.filter(rule="student_without_guardian", status="open").count() == 1
