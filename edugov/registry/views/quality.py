"""Data-quality pages (DB-6): a unit's score and trend, findings by rule, child units, the list.

A unit sees its own findings and those of the units below (``QualityFinding.restrict``);
scores are filtered the same way with ``scope_q`` on ``registry.qualityfinding.view``.
"""

from __future__ import annotations

from functools import cache
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.db.models import Count, OuterRef, Q, QuerySet, Subquery
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import NoReverseMatch, reverse
from django.utils.http import urlencode
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from edugov.core.models import Organization
from edugov.core.permissions.scopes import has_permission, scope_q
from edugov.registry.choices import FindingStatus, Severity
from edugov.registry.models import QualityFinding, QualityScore
from edugov.registry.quality.registry import all_rules
from edugov.registry.quality.runner import run_quality_task

VIEW = "registry.qualityfinding.view"
RUN = "registry.qualityfinding.run"
TREND_RUNS = 12

# Where a finding's record can be opened; names that do not exist (yet) give no link.
RECORD_URLS = {
    "student": "registry:student_detail",
    "staffmember": "registry:staff_detail",
    "building": "registry:building_detail",
    "asset": "registry:asset_detail",
    "organization": "workspace:org_detail",
    "duplicatesuspect": "registry:duplicate_merge",
}


@cache
def _url_exists(url_name: str) -> bool:
    try:
        reverse(url_name, args=[1])
    except NoReverseMatch:
        return False
    return True


def record_url(record_type: str, record_id: int | None) -> str | None:
    """The page of a finding's record, or None where there is none."""
    url_name = RECORD_URLS.get(record_type)
    if url_name is None or record_id is None or not _url_exists(url_name):
        return None
    return reverse(url_name, args=[record_id])


def _visible_unit(
    user: Any, raw: str | None, default: Organization | None, permission: str = VIEW
) -> Organization:
    """The unit asked for (or the current one), if the user holds ``permission`` on it; else 404."""
    q = scope_q(user, permission, field="")
    if q is None:
        raise Http404(_("Unit not found."))
    units = Organization.objects.filter(q)
    if raw:
        unit = units.filter(pk=int(raw)).first() if str(raw).isdigit() else None
    elif default is not None and units.filter(pk=default.pk).exists():
        unit = default
    else:
        unit = units.order_by("depth", "path").first()
    if unit is None:
        raise Http404(_("Unit not found."))
    return unit


def _scores(user: Any) -> QuerySet:
    q = scope_q(user, VIEW, field="organization")
    return QualityScore.objects.filter(q) if q is not None else QualityScore.objects.none()


def _open_findings(user: Any, unit: Organization) -> QuerySet:
    return QualityFinding.objects.restrict(user, "view").filter(
        organization__path__startswith=unit.path, status=FindingStatus.OPEN
    )


@login_required
def quality_overview(request: HttpRequest) -> HttpResponse:
    user = request.user
    unit = _visible_unit(user, request.GET.get("unit"), request.current_unit)  # type: ignore[attr-defined]
    scores = _scores(user)
    trend = list(scores.filter(organization=unit).select_related("run").order_by("-computed_at")[:TREND_RUNS])
    trend.reverse()
    rules = {rule.code: rule for rule in all_rules()}
    by_rule = []
    for row in (
        _open_findings(user, unit)
        .order_by()
        .values("rule", "severity")
        .annotate(n=Count("pk"))
        .order_by("-n")
    ):
        rule = rules.get(row["rule"])
        by_rule.append(
            {**row, "title": rule.title if rule else row["rule"], "category": rule.category if rule else ""}
        )
    latest = scores.filter(organization=OuterRef("pk")).order_by("-computed_at")
    children = (
        Organization.objects.filter(path__startswith=unit.path, depth=unit.depth + 1, is_active=True)
        .filter(scope_q(user, VIEW, field="") or Q(pk__in=[]))
        .annotate(
            latest_score=Subquery(latest.values("score")[:1]),
            latest_checked=Subquery(latest.values("checked")[:1]),
            latest_failed=Subquery(latest.values("failed")[:1]),
        )
        .order_by("path")
    )
    return render(
        request,
        "registry/quality/overview.html",
        {
            "unit": unit,
            "score": trend[-1] if trend else None,
            "trend": trend,
            "by_rule": by_rule,
            "children": children,
            "can_run": has_permission(user, RUN, unit),
            "rules": rules.values(),
        },
    )


@login_required
@require_POST
def quality_run(request: HttpRequest) -> HttpResponse:
    unit = _visible_unit(request.user, request.POST.get("unit"), request.current_unit, RUN)  # type: ignore[attr-defined]
    run_quality_task.enqueue(unit.pk, request.user.pk)
    messages.success(
        request,
        _("Data-quality checks for %(unit)s have started; the results appear here when they finish.")
        % {"unit": unit.name},
    )
    return redirect(f"{reverse('registry:quality_overview')}?{urlencode({'unit': unit.pk})}")


@login_required
def quality_findings(request: HttpRequest) -> HttpResponse:
    user = request.user
    unit = _visible_unit(user, request.GET.get("unit"), request.current_unit)  # type: ignore[attr-defined]
    filters = {
        "rule": request.GET.get("rule", ""),
        "severity": request.GET.get("severity", ""),
        "status": request.GET.get("status", FindingStatus.OPEN),
    }
    qs = QualityFinding.objects.restrict(user, "view").filter(organization__path__startswith=unit.path)
    if filters["rule"]:
        qs = qs.filter(rule=filters["rule"])
    if filters["severity"] in Severity.values:
        qs = qs.filter(severity=filters["severity"])
    else:
        filters["severity"] = ""
    if filters["status"] in FindingStatus.values:
        qs = qs.filter(status=filters["status"])
    else:
        filters["status"] = ""
    page = Paginator(
        qs.select_related("organization").order_by("organization__path", "rule", "pk"), 50
    ).get_page(request.GET.get("page"))
    rules = {rule.code: rule for rule in all_rules()}
    rows = [
        {
            "finding": finding,
            "rule": rules.get(finding.rule),
            "url": record_url(finding.record_type, finding.record_id),
        }
        for finding in page
    ]
    return render(
        request,
        "registry/quality/findings.html",
        {
            "unit": unit,
            "page": page,
            "rows": rows,
            "filters": filters,
            "rules": rules.values(),
            "severities": Severity.choices,
            "statuses": FindingStatus.choices,
        },
    )
