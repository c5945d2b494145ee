"""Reads by id of supervision items (IN-3), and who may do what with one item.

``Http404`` answers both "missing" and "not allowed". The unit an action is checked on
is the model's rule (see ``SupervisionItemQuerySet.restrict``): ``view`` on the
supervising, lead or co-owner unit; ``report`` on the lead or a co-owner unit; ``add``
and ``manage`` on the supervising unit.
"""

from __future__ import annotations

from typing import Any

from django.http import Http404
from django.utils.translation import gettext as _

from edugov.core.permissions.scopes import has_permission
from edugov.office.models import ProgressEvidence, SupervisionItem

VIEW = "office.supervisionitem.view"
ADD = "office.supervisionitem.add"
REPORT = "office.supervisionitem.report"
MANAGE = "office.supervisionitem.manage"


def access_supervision_item(user: Any, item_id: Any, *, action: str = "view") -> SupervisionItem:
    try:
        return (
            SupervisionItem.objects.restrict(user, action)
            .select_related("organization", "owner_unit", "owner", "created_by", "source_document")
            .get(pk=int(item_id))
        )
    except (SupervisionItem.DoesNotExist, ValueError, TypeError):
        raise Http404(_("Supervision item not found.")) from None


def access_evidence(user: Any, evidence_id: Any) -> ProgressEvidence:
    """An evidence file of an item the user may see."""
    try:
        return ProgressEvidence.objects.select_related("report__item").get(
            pk=int(evidence_id),
            report__item__in=SupervisionItem.objects.restrict(user, "view").values("pk"),
        )
    except (ProgressEvidence.DoesNotExist, ValueError, TypeError):
        raise Http404(_("File not found.")) from None


def may_manage(user: Any, item: SupervisionItem) -> bool:
    """Whether the user speaks for the supervising unit (deadlines, completion, escalation)."""
    return has_permission(user, MANAGE, item.organization)


def reporting_unit(user: Any, item: SupervisionItem) -> Any:
    """The owner unit the user reports for: the lead unit first, else a co-owner unit; or None."""
    if has_permission(user, REPORT, item.owner_unit):
        return item.owner_unit
    for unit in item.co_units.all():
        if has_permission(user, REPORT, unit):
            return unit
    return None


def may_report(user: Any, item: SupervisionItem) -> bool:
    return reporting_unit(user, item) is not None
