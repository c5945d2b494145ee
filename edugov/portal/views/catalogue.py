"""Disclosure catalogue pages (PUB-3).

Public: the filter form of ``DisclosureIndexPage`` (the pages themselves are Wagtail pages).

Staff (namespace ``portal``):

* ``catalogue_todo`` — documents marked 主动公开 whose catalogue item is not live yet, with the
  第二十六条 due date (20 working days from formation) and an overdue flag; outgoing documents
  still without a disclosure attribute;
* ``catalogue_mark`` — set a document's disclosure attribute (公开属性);
* ``annual_report`` (+ ``_xlsx``, ``_figures``, ``_publish``) — the annual report of a unit and year.
"""

from __future__ import annotations

from typing import Any
from urllib.parse import urlencode

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.db.models import Q
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from edugov.core.permissions.scopes import has_permission
from edugov.portal.access_catalogue import (
    CATALOGUE_EDIT,
    CATALOGUE_VIEW,
    REPORT_EDIT,
    REPORT_VIEW,
    access_document_to_mark,
    access_report_unit,
    candidates_for,
    units_for,
)
from edugov.portal.models.catalogue import (
    DisclosureAttribute,
    DisclosureCategory,
    Validity,
    validity_q,
)

FIRST_REPORT_YEAR = 2008  # the first disclosure regulation took effect on 2008-05-01


# --- Public filter form ---------------------------------------------------------------------------


class CatalogueFilterForm(forms.Form):
    category = forms.ChoiceField(label=gettext_lazy("Category"), required=False)
    year = forms.TypedChoiceField(label=gettext_lazy("Year"), required=False, coerce=int, empty_value=None)
    validity = forms.ChoiceField(label=gettext_lazy("Validity"), required=False)
    q = forms.CharField(label=gettext_lazy("Title or document number"), required=False, max_length=100)

    def __init__(self, *args: Any, years: list[int] | None = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["category"].choices = [("", _("All categories")), *DisclosureCategory.choices]
        self.fields["year"].choices = [("", _("All years")), *[(y, str(y)) for y in years or []]]
        self.fields["validity"].choices = [("", _("Any validity")), *Validity.choices]
        for field in self.fields.values():
            field.widget.attrs["class"] = (
                "form-select" if isinstance(field, forms.ChoiceField) else "form-control"
            )

    def _value(self, name: str) -> Any:
        if not self.is_bound:
            return None
        self.is_valid()
        return self.cleaned_data.get(name)

    def apply(self, items: Any) -> Any:
        if category := self._value("category"):
            items = items.filter(category=category)
        if year := self._value("year"):
            items = items.filter(published_on__year=year)
        if validity := self._value("validity"):
            items = items.filter(validity_q(validity, timezone.localdate()))
        if text := (self._value("q") or "").strip():
            items = items.filter(Q(title__icontains=text) | Q(document_number__icontains=text))
        return items

    def query_string(self) -> str:
        """The active filters, for the pagination links."""
        pairs = [(name, self._value(name)) for name in ("category", "year", "validity", "q")]
        return urlencode([(k, v) for k, v in pairs if v])


# --- Staff: documents marked for disclosure -----------------------------------------------------


def _not_found() -> Http404:
    return Http404(_("Page not found."))


@login_required
@require_GET
def catalogue_todo(request: HttpRequest) -> HttpResponse:
    from edugov.office.choices import Direction
    from edugov.office.models import Document

    user = request.user
    if not has_permission(user, CATALOGUE_VIEW):
        raise _not_found()
    today = timezone.localdate()
    candidates = list(
        candidates_for(user)
        .awaiting_publication()
        .select_related("document", "unit", "item")
        .order_by("formed_on", "pk")[:200]
    )
    rows = [{"candidate": c, "due_on": c.due_on(), "overdue": c.is_overdue(today)} for c in candidates]
    unmarked = (
        Document.objects.restrict(user, "view")
        .filter(direction=Direction.OUTGOING, organization__in=units_for(user, CATALOGUE_EDIT))
        .filter(disclosure_candidate__isnull=True)
        .exclude(status__in=["draft", "withdrawn"])
        .select_related("organization")
        .order_by("-created_at")[:20]
    )
    return render(
        request,
        "portal/catalogue/todo.html",
        {
            "rows": rows,
            "unmarked": unmarked,
            "today": today,
            "can_mark": has_permission(user, CATALOGUE_EDIT),
        },
    )


def _style(form: forms.Form) -> None:
    for field in form.fields.values():
        css = "form-select" if isinstance(field, forms.ChoiceField) else "form-control"
        field.widget.attrs.setdefault("class", css)


class MarkForm(forms.Form):
    attribute = forms.ChoiceField(
        label=gettext_lazy("Disclosure attribute 公开属性"), choices=DisclosureAttribute.choices
    )
    category = forms.ChoiceField(
        label=gettext_lazy("Catalogue category"),
        choices=DisclosureCategory.choices,
        initial=DisclosureCategory.OTHER_DOCUMENTS,
    )
    reason = forms.CharField(
        label=gettext_lazy("Reason (required unless proactively disclosed)"),
        required=False,
        max_length=500,
        widget=forms.Textarea(attrs={"rows": 3}),
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        _style(self)


@login_required
@require_http_methods(["GET", "POST"])
def catalogue_mark(request: HttpRequest, document_id: int) -> HttpResponse:
    from edugov.portal.actions.catalogue import do_mark_for_disclosure

    document = access_document_to_mark(request.user, document_id)
    existing = getattr(document, "disclosure_candidate", None)
    if request.method == "POST":
        form = MarkForm(request.POST)
        if form.is_valid():
            try:
                do_mark_for_disclosure(
                    document,
                    attribute=form.cleaned_data["attribute"],
                    category=form.cleaned_data["category"],
                    reason=form.cleaned_data["reason"],
                    acting_user=request.user,
                )
            except ValidationError as error:
                form.add_error("reason" if error.code == "reason_required" else None, error)
            else:
                messages.success(request, _("The disclosure attribute is recorded."))
                return redirect("portal:catalogue_todo")
    else:
        initial = (
            {"attribute": existing.attribute, "category": existing.category, "reason": existing.reason}
            if existing
            else {"attribute": DisclosureAttribute.PROACTIVE}
        )
        form = MarkForm(initial=initial)
    return render(
        request, "portal/catalogue/mark.html", {"form": form, "document": document, "existing": existing}
    )


# --- Staff: annual report ------------------------------------------------------------------------


def _report_year(year: int) -> int:
    if not FIRST_REPORT_YEAR <= year <= timezone.localdate().year:
        raise _not_found()
    return year


@login_required
@require_GET
def annual_report_index(request: HttpRequest) -> HttpResponse:
    """The current unit's report of last year (or the first unit in scope)."""
    units = units_for(request.user, REPORT_VIEW)
    unit = getattr(request, "current_unit", None)
    if unit is None or not units.filter(pk=unit.pk).exists():
        unit = units.order_by("path").first()
    if unit is None:
        raise _not_found()
    return redirect("portal:annual_report", unit_id=unit.pk, year=timezone.localdate().year - 1)


@login_required
@require_GET
def annual_report(request: HttpRequest, unit_id: int, year: int) -> HttpResponse:
    from edugov.portal.annual_report import build_annual_report

    unit = access_report_unit(request.user, unit_id)
    year = _report_year(year)
    report = build_annual_report(unit, year)
    return render(
        request,
        "portal/catalogue/annual_report.html",
        {
            "report": report,
            "unit": unit,
            "can_edit": has_permission(request.user, REPORT_EDIT, unit),
            "can_publish": has_permission(request.user, CATALOGUE_EDIT, unit),
            "years": list(range(timezone.localdate().year, FIRST_REPORT_YEAR - 1, -1))[:10],
        },
    )


@login_required
@require_GET
def annual_report_xlsx(request: HttpRequest, unit_id: int, year: int) -> HttpResponse:
    from edugov.portal.annual_report import build_annual_report, report_to_xlsx

    unit = access_report_unit(request.user, unit_id)
    year = _report_year(year)
    data = report_to_xlsx(build_annual_report(unit, year))
    response = HttpResponse(
        data, content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    )
    response["Content-Disposition"] = f'attachment; filename="annual-report-{unit.pk}-{year}.xlsx"'
    return response


class FiguresForm(forms.Form):
    licensing = forms.IntegerField(label=gettext_lazy("Administrative licensing 行政许可"), min_value=0)
    penalties = forms.IntegerField(label=gettext_lazy("Administrative penalties 行政处罚"), min_value=0)
    coercion = forms.IntegerField(label=gettext_lazy("Administrative coercion 行政强制"), min_value=0)
    fees_10k_yuan = forms.DecimalField(
        label=gettext_lazy("Administrative fees (10,000 yuan) 行政事业性收费（万元）"),
        min_value=0,
        max_digits=12,
        decimal_places=4,
    )
    overview = forms.CharField(
        label=gettext_lazy("一、Overview 总体情况"), required=False, widget=forms.Textarea
    )
    problems = forms.CharField(
        label=gettext_lazy("五、Main problems and improvements 存在的主要问题及改进情况"),
        required=False,
        widget=forms.Textarea,
    )
    other_matters = forms.CharField(
        label=gettext_lazy("六、Other matters to report 其他需要报告的事项"),
        required=False,
        widget=forms.Textarea,
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        from edugov.portal.actions.catalogue import REVIEW_GROUPS

        table = kwargs.pop("review_litigation", None) or {}
        super().__init__(*args, **kwargs)
        for group in REVIEW_GROUPS:
            values = table.get(group, [0] * 5)
            for i in range(5):
                self.fields[f"{group}_{i}"] = forms.IntegerField(min_value=0, initial=values[i])
        _style(self)

    def review_litigation(self) -> dict[str, list[int]]:
        from edugov.portal.actions.catalogue import REVIEW_GROUPS

        return {g: [self.cleaned_data[f"{g}_{i}"] for i in range(5)] for g in REVIEW_GROUPS}

    def review_rows(self) -> list[tuple[str, list[Any]]]:
        from edugov.portal.annual_report import REVIEW_GROUPS

        return [(str(label), [self[f"{key}_{i}"] for i in range(5)]) for key, label in REVIEW_GROUPS]


@login_required
@require_http_methods(["GET", "POST"])
def annual_report_figures(request: HttpRequest, unit_id: int, year: int) -> HttpResponse:
    from edugov.portal.actions.catalogue import FIGURE_FIELDS, do_save_annual_figures
    from edugov.portal.annual_report import REVIEW_COLUMNS
    from edugov.portal.models import AnnualReportFigures

    unit = access_report_unit(request.user, unit_id, permission=REPORT_EDIT)
    year = _report_year(year)
    figures = AnnualReportFigures.objects.filter(unit=unit, year=year).first()
    table = figures.review_litigation if figures else None
    if request.method == "POST":
        form = FiguresForm(request.POST, review_litigation=table)
        if form.is_valid():
            try:
                do_save_annual_figures(
                    unit,
                    year,
                    values={name: form.cleaned_data[name] for name in FIGURE_FIELDS},
                    review_litigation=form.review_litigation(),
                    acting_user=request.user,
                )
            except ValidationError as error:
                form.add_error(None, error)
            else:
                messages.success(request, _("The figures are saved."))
                return redirect("portal:annual_report", unit_id=unit.pk, year=year)
    else:
        initial = {name: getattr(figures, name) for name in FIGURE_FIELDS} if figures else {}
        form = FiguresForm(initial=initial, review_litigation=table)
    return render(
        request,
        "portal/catalogue/annual_report_figures.html",
        {"form": form, "unit": unit, "year": year, "review_columns": [str(c) for c in REVIEW_COLUMNS]},
    )


@login_required
@require_POST
def annual_report_publish(request: HttpRequest, unit_id: int, year: int) -> HttpResponse:
    from edugov.portal.actions.catalogue import do_draft_annual_report

    unit = access_report_unit(request.user, unit_id)
    if not has_permission(request.user, CATALOGUE_EDIT, unit):
        raise _not_found()
    year = _report_year(year)
    try:
        do_draft_annual_report(unit, year, acting_user=request.user)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(
            request, _("A draft of the report is in the site's catalogue; it goes live after review.")
        )
    return redirect("portal:annual_report", unit_id=unit.pk, year=year)
