"""The public school directory (PUB-9): search schools by region, type and name; a page per school."""

from __future__ import annotations

from typing import Any
from urllib.parse import urlencode

from django import forms
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET

from edugov.portal.abuse import clean_text, over_limit, rate_limited_response
from edugov.portal.access_directory import access_public_school, public_schools
from edugov.registry import codes
from edugov.registry.choices import Boarding

PER_PAGE = 20
DIRECTORY_LIMIT = 120
DIRECTORY_PERIOD = 60
NAME_MAX_LENGTH = 60


def region_choices() -> list[tuple[str, Any]]:
    """Prefectures and their counties that have open schools (two queries), as optgroups."""
    from edugov.core.models import Region

    used = set(public_schools().order_by().values_list("region_id", flat=True).distinct())
    prefectures = {f"{code[:4]}00" for code in used}
    names = dict(Region.objects.filter(code__in=used | prefectures).values_list("code", "name"))
    groups: list[tuple[str, Any]] = [("", _("All regions"))]
    for prefecture in sorted(prefectures):
        counties = sorted(code for code in used if code[:4] == prefecture[:4] and code != prefecture)
        options = [(prefecture, _("%(name)s (all)") % {"name": names.get(prefecture, prefecture)})]
        options += [(code, names.get(code, code)) for code in counties]
        groups.append((names.get(prefecture, prefecture), options))
    return groups


def type_choices() -> list[tuple[str, str]]:
    used = sorted(set(public_schools().order_by().values_list("school_type", flat=True).distinct()) - {""})
    return [("", _("All school types")), *((code, codes.label("school_type", code)) for code in used)]


class SchoolSearchForm(forms.Form):
    region = forms.ChoiceField(label=gettext_lazy("Region"), required=False)
    type = forms.ChoiceField(label=gettext_lazy("School type"), required=False)
    name = forms.CharField(label=gettext_lazy("School name"), required=False, max_length=NAME_MAX_LENGTH)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["region"].choices = region_choices()
        self.fields["type"].choices = type_choices()
        for name, field in self.fields.items():
            css = "form-control" if name == "name" else "form-select"
            field.widget.attrs["class"] = css
        self.fields["name"].widget.input_type = "search"

    def clean_name(self) -> str:
        try:
            return clean_text(
                self.cleaned_data.get("name", ""),
                max_length=NAME_MAX_LENGTH,
                required=False,
                field_label=_("School name"),
            )
        except ValidationError as exc:
            raise forms.ValidationError(exc.messages[0], code=exc.code) from None


def filtered_schools(data: dict[str, str]) -> Any:
    schools = public_schools()
    region = data.get("region") or ""
    if region.endswith("00"):
        schools = schools.filter(region__code__startswith=region[:4])
    elif region:
        schools = schools.filter(region_id=region)
    if data.get("type"):
        schools = schools.filter(school_type=data["type"])
    if data.get("name"):
        schools = schools.filter(name__icontains=data["name"])
    return schools.order_by("region_id", "name", "school_code")


def profile_of(school: Any) -> Any:
    """The registry row of a school, or None (the directory then shows the tree's fields only)."""
    try:
        return school.school_profile
    except Exception:  # RelatedObjectDoesNotExist: no registry row yet
        return None


def _row(school: Any) -> dict[str, Any]:
    profile = profile_of(school)
    return {
        "name": school.name,
        "school_code": school.school_code,
        "type": codes.label("school_type", school.school_type) if school.school_type else "",
        "sponsor": codes.label("school_sponsor", school.school_sponsor) if school.school_sponsor else "",
        "region": school.region.name,
        "address": profile.address if profile else "",
        "phone": profile.phone if profile else "",
    }


@require_GET
def school_list(request: HttpRequest) -> HttpResponse:
    """Search open schools by county, type and name (GET: nothing personal is asked)."""
    if over_limit(request, "portal-schools", limit=DIRECTORY_LIMIT, period=DIRECTORY_PERIOD):
        return rate_limited_response(request, DIRECTORY_PERIOD)
    form = SchoolSearchForm(request.GET or None)
    data: dict[str, str] = {}
    status = 200
    if form.is_bound:
        if form.is_valid():
            data = form.cleaned_data
        else:
            status = 400
    paginator = Paginator(filtered_schools(data) if status == 200 else public_schools().none(), PER_PAGE)
    page = paginator.get_page(request.GET.get("page"))
    params = {key: value for key, value in data.items() if value}

    def page_url(n: int) -> str:
        return "?" + urlencode({**params, "page": n})

    context = {
        "form": form,
        "page": page,
        "rows": [_row(school) for school in page.object_list],
        "previous_url": page_url(page.previous_page_number()) if page.has_previous() else "",
        "next_url": page_url(page.next_page_number()) if page.has_next() else "",
    }
    return render(request, "portal/directory/school_list.html", context, status=status)


@require_GET
def school_detail(request: HttpRequest, school_code: str) -> HttpResponse:
    """One open school's public facts; 404 for a closed or unknown code."""
    if over_limit(request, "portal-schools", limit=DIRECTORY_LIMIT, period=DIRECTORY_PERIOD):
        return rate_limited_response(request, DIRECTORY_PERIOD)
    school = access_public_school(school_code)
    from edugov.core.models import Region
    from edugov.portal.models import PortalSite

    profile = profile_of(school)
    prefecture = (
        Region.objects.filter(code=f"{school.region_id[:4]}00").values_list("name", flat=True).first()
    )
    portal_site = PortalSite.objects.select_related("site").filter(organization_id=school.pk).first()
    context = {
        "school": school,
        "row": _row(school),
        "profile": profile,
        "prefecture": prefecture if prefecture and prefecture != school.region.name else "",
        "stages": [codes.label("stage", code) for code in (profile.stages if profile else [])],
        "boarding": Boarding(profile.boarding).label
        if profile and profile.boarding in Boarding.values
        else "",
        "site_url": portal_site.site.root_url if portal_site is not None else "",
    }
    return render(request, "portal/directory/school_detail.html", context)
