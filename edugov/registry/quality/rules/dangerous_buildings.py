"""Plausibility: a building rated C or D (危房) is still in use."""

from __future__ import annotations

from collections.abc import Iterable

from django.db import models
from django.db.models import Q
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from edugov.core.models import Code
from edugov.registry import codes
from edugov.registry.quality.records import buildings
from edugov.registry.quality.registry import Category, Finding, Rule, count_by, register_rule, truncate

# A ``use`` saying the building is out of use.
OUT_OF_USE = ("停用", "拆除", "闲置", "封存", "封闭", "待拆")


def dangerous_ratings() -> list[str]:
    rows = Code.objects.filter(table_id="building_safety").values_list("code", "extra")
    return [code for code, extra in rows if (extra or {}).get("dangerous")]


@register_rule
class DangerousBuildingInUse(Rule):
    code = "dangerous_building"
    title = gettext_lazy("Dangerous buildings in use")
    category = Category.PLAUSIBILITY
    description = gettext_lazy(
        "Buildings rated C or D (危房) must be taken out of use; record their use as 停用 or 拆除."
    )

    def check(self, units: models.QuerySet) -> Iterable[Finding]:
        out_of_use = Q(use="")
        for word in OUT_OF_USE:
            out_of_use |= Q(use__contains=word)
        rows = (
            buildings(units)
            .filter(safety_rating__in=dangerous_ratings())
            .exclude(out_of_use)
            .order_by()
            .values_list("pk", "organization_id", "name", "safety_rating", "use")
        )
        for pk, org, name, rating, use in rows.iterator(chunk_size=2000):
            yield Finding(
                org,
                "building",
                pk,
                truncate(name, 120),
                truncate(
                    _("Rated %(rating)s but still used as “%(use)s”; take it out of use.")
                    % {"rating": codes.label("building_safety", rating), "use": use},
                    300,
                ),
            )

    def checked_count(self, units: models.QuerySet) -> dict[int, int]:
        return count_by(buildings(units), "organization_id")
