"""To-do provider: data-quality findings to correct (see todo_providers.py).

For the unit a user works for, its open *error* findings, one to-do per rule with the
count, linking to the findings list filtered to that rule and unit.
"""

from __future__ import annotations

from typing import Any

from django.db.models import Count
from django.urls import reverse
from django.utils.http import urlencode
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext

from edugov.core.todos import Todo, TodoProvider, register_todo_provider
from edugov.registry.choices import FindingStatus, Severity


@register_todo_provider
class QualityCorrections(TodoProvider):
    key = "registry.quality"
    title = gettext_lazy("Data to correct")

    def _groups(self, user: Any, unit: Any) -> Any:
        from edugov.registry.models import QualityFinding

        return (
            QualityFinding.objects.restrict(user, "view")
            .filter(organization=unit, status=FindingStatus.OPEN, severity=Severity.ERROR)
            .order_by()
            .values("rule")
            .annotate(n=Count("pk"))
            .order_by("-n", "rule")
        )

    def items(self, user: Any, unit: Any, limit: int = 50) -> list[Todo]:
        if unit is None:
            return []
        from edugov.registry.quality.registry import get_rule

        todos = []
        for row in self._groups(user, unit)[:limit]:
            rule = get_rule(row["rule"])
            query = urlencode(
                {"unit": unit.pk, "rule": row["rule"], "severity": Severity.ERROR, "status": "open"}
            )
            todos.append(
                Todo(
                    title=ngettext(
                        "%(rule)s: %(n)s record to correct", "%(rule)s: %(n)s records to correct", row["n"]
                    )
                    % {"rule": rule.title if rule else row["rule"], "n": row["n"]},
                    url=f"{reverse('registry:quality_findings')}?{query}",
                    detail=str(rule.description) if rule else _("A data-quality rule found problems."),
                )
            )
        return todos

    def count(self, user: Any, unit: Any) -> int:
        return 0 if unit is None else self._groups(user, unit).count()
