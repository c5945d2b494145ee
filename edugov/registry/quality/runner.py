"""Running the rules over a subtree of units: findings kept up to date, scores per unit.

A finding is unique per rule, record and unit. Each run, for every rule:

- a finding not seen before is created *open*;
- one seen again gets ``last_seen`` (and is reopened if it had been resolved);
- an open one the rule no longer reports is *resolved* with ``resolved_at``.

Each rule is stored in its own transaction, so a province-scale run never holds one
long write transaction. The score of a unit is ``100 × (checked − failed) / checked``
over the unit and every unit below it, summed over all rules.
"""

from __future__ import annotations

import datetime as dt
import logging
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

from django.db import models, transaction
from django.db.models import Q
from django.tasks import task
from django.utils import timezone

from edugov.core.audit import log_event
from edugov.core.models import Organization
from edugov.registry.choices import FindingStatus
from edugov.registry.events import RegistryEvent
from edugov.registry.models import QualityFinding, QualityRun, QualityScore
from edugov.registry.quality.registry import Finding, Rule, all_rules, truncate

logger = logging.getLogger(__name__)
BATCH = 2000
STEPLEN = Organization.steplen


@dataclass
class RuleOutcome:
    new: int = 0
    seen: int = 0
    resolved: int = 0
    checked: dict[int, int] = field(default_factory=dict)
    failed: dict[int, int] = field(default_factory=dict)


def run_quality(
    units: Iterable[Organization] | None = None,
    *,
    trigger: str = "manual",
    acting_user: Any = None,
    rules: list[Rule] | None = None,
) -> QualityRun:
    """Run ``rules`` (default: all) over the subtrees of ``units`` (default: every unit)."""
    roots = _minimal_roots(list(units) if units is not None else list(Organization.objects.filter(depth=1)))
    if not roots:
        raise ValueError("no units to check")
    scope = _subtree(roots)
    rules = rules if rules is not None else all_rules()
    now = timezone.now()
    run = QualityRun.objects.create(
        organization=_anchor(roots),
        started_by=acting_user if acting_user is not None and acting_user.is_authenticated else None,
        trigger=trigger,
        rules=[rule.code for rule in rules],
    )
    totals: dict[int, list[int]] = defaultdict(lambda: [0, 0])
    summary = {"new": 0, "resolved": 0}
    for rule in rules:
        outcome = _run_rule(rule, scope, run, now)
        summary["new"] += outcome.new
        summary["resolved"] += outcome.resolved
        for org in outcome.checked.keys() | outcome.failed.keys():
            failed = outcome.failed.get(org, 0)
            # A failing record is a checked one, even where the rule counted none (a bureau's suspects).
            totals[org][0] += max(outcome.checked.get(org, 0), failed)
            totals[org][1] += failed
    summary["resolved"] += _resolve_retired_rules(scope, rules, now)
    with transaction.atomic():
        scores = _store_scores(run, roots, totals)
        run.finished_at = timezone.now()
        run.finding_count = QualityFinding.objects.filter(
            organization__in=scope, status=FindingStatus.OPEN
        ).count()
        run.save(update_fields=["finished_at", "finding_count"])
        log_event(
            RegistryEvent.QUALITY_RUN,
            acting_user=acting_user,
            target=run,
            organization=run.organization,
            extra={
                "trigger": trigger,
                "units": [root.pk for root in roots],
                "rules": len(rules),
                "open": run.finding_count,
                "new": summary["new"],
                "resolved": summary["resolved"],
                "scores": scores,
            },
        )
    return run


def run_nightly() -> None:
    """The nightly job (``registry/periodic.py``): every rule over every unit."""
    run = run_quality(None, trigger="nightly", acting_user=None)
    logger.info("nightly data quality: %s open findings", run.finding_count)


@task()
def run_quality_task(unit_id: int, user_id: int | None = None) -> int:
    """A manual run from the quality page, in the task worker; returns the run's id."""
    from edugov.core.models import User

    unit = Organization.objects.get(pk=unit_id)
    user = User.objects.filter(pk=user_id).first() if user_id else None
    return run_quality([unit], trigger="manual", acting_user=user).pk


# --- one rule ------------------------------------------------------------------
def _run_rule(rule: Rule, scope: models.QuerySet, run: QualityRun, now: dt.datetime) -> RuleOutcome:
    found: dict[tuple[str, int, int], Finding] = {}
    for finding in rule.check(scope):
        found.setdefault(finding.key, finding)
    outcome = RuleOutcome(checked=rule.checked_count(scope))
    for finding in found.values():
        outcome.failed[finding.organization_id] = (
            outcome.failed.get(finding.organization_id, 0) + finding.weight
        )
    with transaction.atomic():
        _store_findings(rule, scope, run, now, found, outcome)
    return outcome


def _store_findings(
    rule: Rule,
    scope: models.QuerySet,
    run: QualityRun,
    now: dt.datetime,
    found: dict[tuple[str, int, int], Finding],
    outcome: RuleOutcome,
) -> None:
    rows = (
        QualityFinding.objects.filter(rule=rule.code, organization__in=scope)
        .order_by()
        .values_list(
            "record_type",
            "record_id",
            "organization_id",
            "pk",
            "status",
            "message",
            "severity",
            "record_label",
        )
    )
    existing = {(row[0], row[1], row[2]): row[3:] for row in rows.iterator(chunk_size=BATCH)}
    new, changed, seen = [], [], []
    for key, finding in found.items():
        severity = finding.severity or rule.severity
        message, label = truncate(finding.message, 300), truncate(finding.record_label, 120)
        hit = existing.get(key)
        if hit is None:
            new.append(
                QualityFinding(
                    rule=rule.code, organization_id=finding.organization_id, record_type=finding.record_type,
                    record_id=finding.record_id, record_label=label, severity=severity, message=message,
                    status=FindingStatus.OPEN, last_seen=now, run=run,
                )
            )  # fmt: skip
            continue
        seen.append(hit[0])
        if hit[1:] != (FindingStatus.OPEN, message, severity, label):
            changed.append(
                QualityFinding(
                    pk=hit[0], status=FindingStatus.OPEN, resolved_at=None, message=message,
                    severity=severity, record_label=label,
                )
            )  # fmt: skip
    gone = [hit[0] for key, hit in existing.items() if hit[1] == FindingStatus.OPEN and key not in found]
    QualityFinding.objects.bulk_create(new, batch_size=BATCH, ignore_conflicts=True)
    QualityFinding.objects.bulk_update(
        changed, ["status", "resolved_at", "message", "severity", "record_label"], batch_size=BATCH
    )
    for start in range(0, len(gone), BATCH):
        QualityFinding.objects.filter(pk__in=gone[start : start + BATCH]).update(
            status=FindingStatus.RESOLVED, resolved_at=now
        )
    # What is open now was found by this run: one statement marks it seen.
    QualityFinding.objects.filter(rule=rule.code, organization__in=scope, status=FindingStatus.OPEN).update(
        last_seen=now, run=run
    )
    outcome.new, outcome.seen, outcome.resolved = len(new), len(seen), len(gone)


def _resolve_retired_rules(scope: models.QuerySet, rules: list[Rule], now: dt.datetime) -> int:
    """Open findings of rules that no longer exist are resolved (only on a run of all rules)."""
    if {rule.code for rule in rules} != {rule.code for rule in all_rules()}:
        return 0
    return (
        QualityFinding.objects.filter(organization__in=scope, status=FindingStatus.OPEN)
        .exclude(rule__in=[rule.code for rule in rules])
        .update(status=FindingStatus.RESOLVED, resolved_at=now)
    )


# --- scope and scores ----------------------------------------------------------
def _minimal_roots(units: list[Organization]) -> list[Organization]:
    roots: list[Organization] = []
    for unit in sorted(units, key=lambda u: len(u.path)):
        if not any(unit.path.startswith(root.path) for root in roots):
            roots.append(unit)
    return roots


def _subtree(roots: list[Organization]) -> models.QuerySet:
    q = Q()
    for root in roots:
        q |= Q(path__startswith=root.path)
    return Organization.objects.filter(q)


def _anchor(roots: list[Organization]) -> Organization:
    """The unit a run is recorded on: the deepest unit above (or at) all roots."""
    if len(roots) == 1:
        return roots[0]
    common = roots[0].path
    for root in roots[1:]:
        while not root.path.startswith(common):
            common = common[:-STEPLEN]
    return Organization.objects.filter(path=common).first() or roots[0]


def _store_scores(run: QualityRun, roots: list[Organization], totals: dict[int, list[int]]) -> dict[str, str]:
    """One score per unit of the subtree that has anything checked in or below it."""
    units = list(_subtree(roots).order_by().values_list("pk", "path"))
    path_of = dict(units)
    by_path: dict[str, list[int]] = defaultdict(lambda: [0, 0])
    for org, (checked, failed) in totals.items():
        path = path_of.get(org)
        if path is None:
            continue
        for depth in range(len(path) // STEPLEN, 0, -1):
            sums = by_path[path[: depth * STEPLEN]]
            sums[0] += checked
            sums[1] += failed
    scores = []
    for pk, path in units:
        checked, failed = by_path.get(path, (0, 0))
        if checked:
            scores.append(
                QualityScore(
                    organization_id=pk,
                    run=run,
                    checked=checked,
                    failed=failed,
                    score=score_of(checked, failed),
                )
            )
    QualityScore.objects.bulk_create(scores, batch_size=BATCH)
    return {
        str(score.organization_id): str(score.score)
        for score in scores
        if score.organization_id in {r.pk for r in roots}
    }


def score_of(checked: int, failed: int) -> Decimal:
    if not checked:
        return Decimal("100.00")
    value = Decimal(100) * Decimal(max(checked - failed, 0)) / Decimal(checked)
    return value.quantize(Decimal("0.01"), rounding=ROUND_HALF_UP)
