"""Staff (教职工) pages: list, record with history, add, edit, audited full view and export."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.db.models import Q, QuerySet
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from edugov.core.permissions.scopes import has_permission
from edugov.registry import codes
from edugov.registry.access import access_staff_member
from edugov.registry.actions.records import (
    STAFF_FIELDS,
    can_view_staff_personal,
    do_create_record,
    do_update_record,
    do_view_staff_personal,
)
from edugov.registry.exports import xlsx_response
from edugov.registry.forms.units import RecordFilterForm, StaffForm
from edugov.registry.identity import id_lookup_hash
from edugov.registry.lineage import history
from edugov.registry.models import StaffMember
from edugov.registry.views.units import (
    add_units,
    export_filters,
    filter_units,
    in_subtree,
    paginate,
    require_somewhere,
    save_or_errors,
)

NOT_FOUND = gettext_lazy("Staff member not found.")
CURRENT, FORMER = "current", "former"
EMPLOYMENT = [(CURRENT, gettext_lazy("Currently employed")), (FORMER, gettext_lazy("No longer employed"))]


def _filter_form(request: HttpRequest, permission: str) -> RecordFilterForm:
    return RecordFilterForm(
        request.GET,
        units=filter_units(request.user, permission),
        kinds=codes.choices("staff_post"),
        statuses=EMPLOYMENT,
    )


def _staff(user, action: str, form: RecordFilterForm) -> QuerySet:  # noqa: ANN001
    qs = StaffMember.objects.restrict(user, action).select_related("organization")
    qs = in_subtree(qs, form.value("unit"))
    q = form.value("q")
    if q:
        condition = Q(name__icontains=q) | Q(staff_number=q) | Q(organization__name__icontains=q)
        id_hash = id_lookup_hash("1", q) if len(q) == 18 else None
        qs = qs.filter(condition | Q(id_hash=id_hash) if id_hash else condition)
    if form.value("kind"):
        qs = qs.filter(post=form.value("kind"))
    today = timezone.localdate()
    if form.value("status") == CURRENT:
        qs = qs.filter(Q(employed_until__isnull=True) | Q(employed_until__gte=today))
    elif form.value("status") == FORMER:
        qs = qs.filter(employed_until__lt=today)
    if form.value("year"):
        qs = qs.filter(employed_from__year=form.value("year"))
    return qs.order_by("organization__path", "name", "pk")


@login_required
@require_GET
def staff_list(request: HttpRequest) -> HttpResponse:
    require_somewhere(request.user, "registry.staffmember.view", NOT_FOUND)
    form = _filter_form(request, "registry.staffmember.view")
    # Lists never decrypt: they show the masked copy of the ID number.
    page = paginate(request, _staff(request.user, "view", form).defer("id_number"))
    return render(
        request,
        "registry/staff/list.html",
        {
            "form": form,
            "page": page,
            "can_add": has_permission(request.user, "registry.staffmember.add"),
            "can_export": has_permission(request.user, "registry.staffmember.export"),
            "query": request.GET.urlencode(),
        },
    )


@login_required
@require_GET
def staff_detail(request: HttpRequest, pk: int) -> HttpResponse:
    staff = access_staff_member(request.user, pk)
    user = request.user
    return render(
        request,
        "registry/staff/detail.html",
        {
            "staff": staff,
            "history": history(staff),
            "can_change": has_permission(user, "registry.staffmember.change", staff.organization),
            "can_view_personal": can_view_staff_personal(user, staff),
        },
    )


@login_required
@require_POST
def staff_personal(request: HttpRequest, pk: int) -> HttpResponse:
    staff = access_staff_member(request.user, pk, action="view_personal")
    data = do_view_staff_personal(staff, acting_user=request.user)
    htmx = request.headers.get("HX-Request") == "true"
    template = "registry/staff/_personal.html" if htmx else "registry/staff/personal.html"
    return render(request, template, {"staff": staff, "data": data, "htmx": htmx})


@login_required
@require_http_methods(["GET", "POST"])
def staff_add(request: HttpRequest) -> HttpResponse:
    units = add_units(request.user, "registry.staffmember.add", NOT_FOUND)
    form = StaffForm(request.POST or None, units=units)
    if request.method == "POST" and form.is_valid():
        staff = save_or_errors(
            form,
            lambda: do_create_record(
                StaffMember, form.cleaned_data["unit"], form.values(), acting_user=request.user
            ),
        )
        if staff is not None:
            messages.success(request, _("Staff member %(name)s recorded.") % {"name": staff.name})
            return redirect("registry:staff_detail", pk=staff.pk)
    return render(request, "registry/staff/form.html", {"form": form})


@login_required
@require_http_methods(["GET", "POST"])
def staff_edit(request: HttpRequest, pk: int) -> HttpResponse:
    staff = access_staff_member(request.user, pk, action="change")
    initial = {f: getattr(staff, f) for f in STAFF_FIELDS if f != "id_number"}
    form = StaffForm(request.POST or None, initial=initial, editing=True)
    if request.method == "POST" and form.is_valid():
        changes = save_or_errors(
            form, lambda: do_update_record(staff, form.values(), acting_user=request.user)
        )
        if changes is not None:
            messages.success(request, _("Changes saved.") if changes else _("Nothing was changed."))
            return redirect("registry:staff_detail", pk=staff.pk)
    return render(request, "registry/staff/form.html", {"form": form, "staff": staff})


EXPORT_HEADERS = [
    gettext_lazy("Unit"),
    gettext_lazy("Name"),
    gettext_lazy("ID document type"),
    gettext_lazy("ID document number"),
    gettext_lazy("Sex"),
    gettext_lazy("Ethnicity"),
    gettext_lazy("Date of birth"),
    gettext_lazy("Staff number"),
    gettext_lazy("Post"),
    gettext_lazy("Subject taught"),
    gettext_lazy("Professional title"),
    gettext_lazy("Education"),
    gettext_lazy("Teacher qualification certificate"),
    gettext_lazy("Employed from"),
    gettext_lazy("Employed until"),
    gettext_lazy("Lessons per week"),
]


@login_required
@require_GET
def staff_export(request: HttpRequest) -> HttpResponse:
    """The filtered list as xlsx; ID numbers in full only on request and where the grant allows."""
    user = request.user
    require_somewhere(user, "registry.staffmember.export", NOT_FOUND)
    form = _filter_form(request, "registry.staffmember.export")
    full = request.GET.get("personal") == "1" and has_permission(user, "registry.staffmember.view_personal")
    qs = _staff(user, "export", form)
    if not full:
        qs = qs.defer("id_number")

    def number(s: StaffMember) -> str:
        if full and has_permission(user, "registry.staffmember.view_personal", s.organization):
            return s.id_number
        return s.id_masked

    rows = (
        (
            s.organization.name,
            s.name,
            codes.label("id_document_type", s.id_type),
            number(s),
            codes.label("sex", s.sex),
            codes.label("ethnicity", s.ethnicity) if s.ethnicity else "",
            s.birth_date,
            s.staff_number,
            codes.label("staff_post", s.post),
            codes.label("subject", s.subject) if s.subject else "",
            codes.label("professional_title", s.professional_title) if s.professional_title else "",
            codes.label("education_level", s.education_level) if s.education_level else "",
            s.qualification_cert_number,
            s.employed_from,
            s.employed_until,
            s.weekly_lessons,
        )
        for s in qs.iterator(chunk_size=2000)
    )
    return xlsx_response(
        "staff.xlsx",
        EXPORT_HEADERS,
        rows,
        acting_user=user,
        kind="staff",
        organization=form.value("unit"),
        filters=export_filters(form),
        unmasked=full,
    )
