"""Staff UI for students and enrolments (学籍): list, record, enrol, edit, duplicates, export.

Views parse input, fetch through access helpers or scoped querysets and call the
actions in ``registry.actions.students``; they never write themselves. Lists and exports
read the masked ID column and never decrypt, unless an export's whole scope is covered by
the user's personal-data grant (then every row is exported in full, and audited).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any
from urllib.parse import urlencode

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.db.models import Q, QuerySet
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import NoReverseMatch, reverse
from django.utils import timezone
from django.utils.functional import cached_property
from django.utils.translation import gettext as _
from django.utils.translation import pgettext
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods, require_POST

from edugov.core.choices import OrganizationKind
from edugov.core.models import Organization
from edugov.core.permissions.scopes import has_permission, scope_q
from edugov.registry import codes
from edugov.registry.access import access_enrolment, access_student
from edugov.registry.actions.students import (
    can_view_personal,
    do_change_status,
    do_dismiss_suspect,
    do_enrol_student,
    do_merge_students,
    do_revert_merge,
    do_update_enrolment,
    do_update_student,
    do_view_student_personal,
)
from edugov.registry.choices import DuplicateStatus, EnrolmentState, TransferStatus
from edugov.registry.errors import EnrolmentConflict, MergeRefused, OwnershipRefused
from edugov.registry.exports import xlsx_response
from edugov.registry.forms.students import (
    ENDED,
    EnrolmentEditForm,
    MergeForm,
    ReasonForm,
    StatusChangeForm,
    StudentEditForm,
    StudentEnrolForm,
    StudentFilterForm,
)
from edugov.registry.identity import id_lookup_hash, student_number_hash
from edugov.registry.lineage import history
from edugov.registry.models import (
    DuplicateSuspect,
    Enrolment,
    GuardianLink,
    StatusChange,
    Student,
    StudentMerge,
    Transfer,
)
from edugov.registry.ownership import editable_fields, families_for, owner_unit

VIEW = "registry.student.view"
VIEW_PERSONAL = "registry.student.view_personal"
ADD = "registry.student.add"
CHANGE = "registry.student.change"
EXPORT = "registry.student.export"
MERGE = "registry.student.merge"
PAGE_SIZE = 50
# Above this many schools in scope the unit filter offers bureaus only (a province has 15,000).
MAX_SCHOOL_OPTIONS = 500
# Encrypted columns a list never reads (reading them would decrypt every row).
ENCRYPTED_STUDENT_FIELDS = ("student__id_number", "student__address", "student__student_number")
# "school" (the default) follows the unit tree, so PostgreSQL walks the schools in scope by
# their path index and each school's rows by (school, state, grade, class): a prefecture of
# 400,000 pupils pages in tens of milliseconds. "new" is newest enrolments first; over a
# large scope whose rows are old it may scan far back (no index orders a subtree by id).
DEFAULT_SORT = "school"
SORTS = {
    "new": ("-pk",),
    "school": ("school__path", "grade", "class_name", "student__name", "pk"),
    "grade": ("grade", "class_name", "student__name", "pk"),
    "class": ("class_name", "grade", "student__name", "pk"),
}


class CappedPaginator(Paginator):
    """Counts at most ``cap`` + 1 rows, so a filter matching 400,000 pupils pages as fast as one
    matching 40: PostgreSQL stops after the cap instead of joining every row to count it.
    Beyond the cap the page says "more than 10,000" and the user narrows the filters.
    """

    cap = 10_000

    @cached_property
    def count(self) -> int:
        return self.object_list.order_by().values("pk")[: self.cap + 1].count()

    @property
    def is_capped(self) -> bool:
        return self.count > self.cap


def safe_reverse(name: str, *args: Any) -> str | None:
    """The URL of ``name``, or None when that part of the registry is not installed."""
    try:
        return reverse(name, args=args)
    except NoReverseMatch:
        return None


def _require_scope(user: Any, permission: str, field: str) -> Q:
    q = scope_q(user, permission, field=field) if user.is_authenticated else None
    if q is None:
        raise Http404(_("Student not found."))
    return q


def units_in_scope(user: Any, permission: str) -> QuerySet[Organization]:
    """Units (bureaus and schools) where ``user`` holds ``permission``, tree order."""
    q = scope_q(user, permission, field="")
    if q is None:
        return Organization.objects.none()
    return (
        Organization.objects.filter(q)
        .filter(kind__in=[OrganizationKind.BUREAU, OrganizationKind.SCHOOL])
        .order_by("path")
    )


def _filter_form(request: HttpRequest, permission: str) -> StudentFilterForm:
    units = units_in_scope(request.user, permission)
    form = StudentFilterForm(request.GET, units=units)
    if units.filter(kind=OrganizationKind.SCHOOL).count() > MAX_SCHOOL_OPTIONS:
        offered = units.exclude(kind=OrganizationKind.SCHOOL).only("pk", "name", "depth")
    else:
        offered = units.only("pk", "name", "depth")
    field = form.fields["unit"]
    field.widget.choices = [("", field.empty_label), *((u.pk, field.label_from_instance(u)) for u in offered)]
    form.is_valid()
    return form


def filter_enrolments(qs: QuerySet[Enrolment], form: StudentFilterForm, request: HttpRequest) -> QuerySet:
    """Apply the list filters; invalid filter values are ignored, never an error page."""
    data = {k: v for k, v in getattr(form, "cleaned_data", {}).items() if k not in form.errors}
    status = data.get("status")
    if status == ENDED:
        qs = qs.filter(state=EnrolmentState.ENDED)
    elif status:
        qs = qs.filter(status=status)
    else:
        qs = qs.filter(state=EnrolmentState.ACTIVE)
    if data.get("unit"):
        qs = qs.filter(school__path__startswith=data["unit"].path)
    if data.get("grade"):
        qs = qs.filter(grade=data["grade"])
    if data.get("class_name"):
        qs = qs.filter(class_name=data["class_name"].strip())
    flags = set(data.get("flags") or ())
    if "left_behind" in flags:
        qs = qs.filter(student__left_behind=True)
    if "migrant" in flags:
        qs = qs.filter(student__migrant=True)
    if "disability" in flags:
        qs = qs.exclude(student__disability="")
    if "aid" in flags:
        qs = qs.filter(student__aid_eligible=True)
    name = (data.get("name") or "").strip()
    if name:
        lookup = (
            "student__name__contains" if data.get("name_match") == "contains" else "student__name__startswith"
        )
        qs = qs.filter(**{lookup: name})
    number = (data.get("student_number") or "").strip().upper()
    if number:
        qs = qs.filter(student__student_number_hash=student_number_hash(number))
    hashes = [h for h in request.GET.getlist("idh") if len(h) <= 64]
    if hashes:
        qs = qs.filter(student__id_hash__in=hashes[:20])
    return qs


def lookup_hashes(number: str) -> list[str]:
    """Keyed hashes to search an ID number typed in any document type (never stored plain)."""
    number = number.strip()
    if not number:
        return []
    resident = id_lookup_hash("1", number)
    if resident:
        return [resident]
    found = {id_lookup_hash(code, number) for code in codes.selectable("id_document_type") if code != "1"}
    return sorted(h for h in found if h)


def _search_redirect(request: HttpRequest) -> HttpResponse:
    """POSTed filters come back as a GET URL in which the ID number is replaced by its hash."""
    params = [
        (key, value)
        for key in request.POST
        if key not in {"csrfmiddlewaretoken", "id_number", "student_number", "idh", "page"}
        for value in request.POST.getlist(key)
        if value
    ]
    typed = [request.POST.get("id_number", "").strip()]
    number = request.POST.get("student_number", "").strip().upper()
    if len(number) == 19 and number[0] in {"G", "J"}:
        # G/J + ID number: the student number carries the ID number, so search by its hash.
        typed.append(number[1:])
    elif number:
        params.append(("student_number", number))
    hashes = [h for value in typed for h in lookup_hashes(value)]
    params += [("idh", h) for h in hashes]
    if any(typed) and not hashes:
        params.append(("idh", "none"))
    return redirect(reverse("registry:student_list") + ("?" + urlencode(params) if params else ""))


def _listed(qs: QuerySet[Enrolment], sort: str) -> QuerySet[Enrolment]:
    return qs.select_related("student", "school").defer(*ENCRYPTED_STUDENT_FIELDS).order_by(*SORTS[sort])


@login_required
@require_http_methods(["GET", "POST"])
def student_list(request: HttpRequest) -> HttpResponse:
    q = _require_scope(request.user, VIEW, "school")
    if request.method == "POST":
        return _search_redirect(request)
    form = _filter_form(request, VIEW)
    sort = form.cleaned_data.get("sort") if "sort" not in form.errors else ""
    qs = _listed(filter_enrolments(Enrolment.objects.filter(q), form, request), sort or DEFAULT_SORT)
    page = CappedPaginator(qs, PAGE_SIZE).get_page(request.GET.get("page"))
    user = request.user
    return render(
        request,
        "registry/students/list.html",
        {
            "form": form,
            "page": page,
            "searched_id": bool(request.GET.getlist("idh")),
            "can_add": has_permission(user, ADD),
            "can_export": has_permission(user, EXPORT),
            "query": request.GET.urlencode(),
        },
    )


@dataclass(frozen=True)
class Entry:
    """A lineage entry with what it concerns (the student, or one of their enrolments)."""

    at: Any
    action: str
    source_label: str
    source_ref: str
    acting_user: Any
    changes: dict
    subject: str
    record_type: str = ""


def _combined_history(student: Student, enrolments: list[Enrolment]) -> list[Entry]:
    entries = [(e, _("Student record")) for e in history(student)]
    for enrolment in enrolments:
        subject = _("Enrolment at %(school)s") % {"school": enrolment.school.name}
        entries += [(e, subject) for e in history(enrolment)]
    entries.sort(key=lambda pair: pair[0].at, reverse=True)
    return [
        Entry(e.at, e.action, e.source_label, e.source_ref, e.acting_user, e.changes, subject, e.record_type)
        for e, subject in entries
    ]


def _detail_context(request: HttpRequest, student: Student) -> dict[str, Any]:
    user = request.user
    enrolments = list(
        Enrolment.objects.filter(student=student)
        .filter(scope_q(user, VIEW, field="school"))
        .select_related("school")
        .order_by("-started_on", "-pk")
    )
    active = next((e for e in enrolments if e.state == EnrolmentState.ACTIVE), None)
    changes = (
        StatusChange.objects.filter(student=student, enrolment__in=enrolments)
        .select_related("enrolment__school", "created_by")
        .order_by("-effective_on", "-pk")
    )
    transfers = list(
        Transfer.objects.restrict(user, "view")
        .filter(student=student, status=TransferStatus.PENDING)
        .select_related("from_school", "to_school")
    )
    for transfer in transfers:
        transfer.url = safe_reverse("registry:transfer_detail", transfer.pk)
    can_change = active is not None and has_permission(user, CHANGE, active.school)
    return {
        "student": student,
        "enrolments": enrolments,
        "active": active,
        "status_changes": changes,
        "guardian_links": GuardianLink.objects.filter(student=student).select_related("guardian"),
        "transfers": transfers,
        "history": _combined_history(student, enrolments),
        "can_view_personal": can_view_personal(user, student),
        "can_edit": bool(editable_fields(user, student)),
        "can_change": can_change,
        "merged_into": student.merged_into if student.merged_into_id else None,
        "reason_form": ReasonForm(),
    }


@login_required
@never_cache
@require_http_methods(["GET", "POST"])
def student_detail(request: HttpRequest, pk: int) -> HttpResponse:
    """The record; a POST asks for the full personal data once (audited, never cached)."""
    student = access_student(request.user, pk)
    context = _detail_context(request, student)
    if request.method == "POST":
        form = ReasonForm(request.POST)
        form.is_valid()
        personal = do_view_student_personal(
            student, acting_user=request.user, reason=form.cleaned_data.get("reason", "")
        )
        context["personal"] = personal
    return render(request, "registry/students/detail.html", context)


def _add_errors(form: Any, error: ValidationError) -> None:
    """Put an action's ValidationError on the form's fields (unknown fields: on the form)."""
    if hasattr(error, "error_dict"):
        for field, errors in error.message_dict.items():
            target = field if field in form.fields and not form.fields[field].disabled else None
            for message in errors:
                form.add_error(target, message)
    else:
        for message in error.messages:
            form.add_error(None, message)


def _schools_for_enrolment(user: Any) -> QuerySet[Organization]:
    q = scope_q(user, ADD, field="")
    if q is None:
        raise Http404(_("Page not found."))
    return Organization.objects.filter(q, kind=OrganizationKind.SCHOOL, is_active=True).order_by("path")


@login_required
@require_http_methods(["GET", "POST"])
def student_enrol(request: HttpRequest) -> HttpResponse:
    user = request.user
    form = StudentEnrolForm(request.POST or None, schools=_schools_for_enrolment(user))
    conflict: dict[str, Any] = {}
    if request.method == "POST" and form.is_valid():
        try:
            enrolment = do_enrol_student(
                form.cleaned_data["school"],
                student=form.student_values(),
                enrolment=form.enrolment_values(),
                guardians=form.guardians(),
                acting_user=user,
            )
        except EnrolmentConflict as error:
            form.add_error(None, error.message)
            conflict = _conflict_links(user, error)
        except ValidationError as error:
            _add_errors(form, error)
        except PermissionDenied as error:
            form.add_error("school", str(error))
        else:
            messages.success(
                request,
                _("%(name)s is enrolled (student number %(number)s).")
                % {
                    "name": enrolment.student.name,
                    "number": enrolment.student.student_number_masked,
                },
            )
            return redirect("registry:student_detail", pk=enrolment.student_id)
    return render(request, "registry/students/enrol.html", {"form": form, "conflict": conflict})


def _conflict_links(user: Any, error: EnrolmentConflict) -> dict[str, Any]:
    """Where to go from a conflict: the record (same school) or the transfer flow (elsewhere)."""
    student = error.details.get("student")
    links: dict[str, Any] = {"same_school": error.details.get("same_school")}
    if student is None:
        return links
    if error.details.get("same_school"):
        links["record_url"] = reverse("registry:student_detail", args=[student.pk])
    else:
        url = safe_reverse("registry:transfer_apply")
        if url:
            links["transfer_url"] = f"{url}?{urlencode({'student': student.pk})}"
    return links


def _owners(student: Student) -> dict[str, str]:
    owners = {}
    for family in families_for(student):
        unit = owner_unit(family, student)
        text = f"{family.owner_title}（{unit}）" if unit else str(family.owner_title)
        owners.update(dict.fromkeys(family.fields, text))
    return owners


@login_required
@require_http_methods(["GET", "POST"])
def student_edit(request: HttpRequest, pk: int) -> HttpResponse:
    user = request.user
    student = access_student(user, pk)
    editable = editable_fields(user, student) or set()
    if not editable:
        raise Http404(_("Student not found."))
    form = StudentEditForm(request.POST or None, student=student, editable=editable, owners=_owners(student))
    if request.method == "POST" and form.is_valid():
        try:
            changes = do_update_student(student, form.changed_values(), acting_user=user)
        except OwnershipRefused as refusal:
            form.add_error(None, refusal.message)
        except ValidationError as error:
            _add_errors(form, error)
        else:
            if changes:
                messages.success(request, _("Changes saved."))
            else:
                messages.info(request, _("Nothing was changed."))
            return redirect("registry:student_detail", pk=student.pk)
    return render(request, "registry/students/edit.html", {"form": form, "student": student})


@login_required
@require_http_methods(["GET", "POST"])
def enrolment_edit(request: HttpRequest, pk: int) -> HttpResponse:
    user = request.user
    enrolment = access_enrolment(user, pk, action="change")
    if enrolment.state != EnrolmentState.ACTIVE:
        raise Http404(_("Enrolment not found."))
    form = EnrolmentEditForm(request.POST or None, enrolment=enrolment)
    if request.method == "POST" and form.is_valid():
        try:
            changes = do_update_enrolment(enrolment, form.changed_values(), acting_user=user)
        except OwnershipRefused as refusal:
            form.add_error(None, refusal.message)
        except ValidationError as error:
            _add_errors(form, error)
        else:
            messages.success(request, _("Changes saved.") if changes else _("Nothing was changed."))
            return redirect("registry:student_detail", pk=enrolment.student_id)
    return render(
        request,
        "registry/students/enrolment_edit.html",
        {"form": form, "enrolment": enrolment, "student": enrolment.student},
    )


@login_required
@require_http_methods(["GET", "POST"])
def student_status(request: HttpRequest, pk: int) -> HttpResponse:
    """Record a status change on the student's active enrolment (at a school the user keeps)."""
    user = request.user
    student = access_student(user, pk)
    active = student.enrolments.filter(state=EnrolmentState.ACTIVE).first()
    if active is None:
        raise Http404(_("Enrolment not found."))
    enrolment = access_enrolment(user, active.pk, action="change")
    form = StatusChangeForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            change = do_change_status(
                enrolment,
                kind=data["kind"],
                effective_on=data["effective_on"],
                reason=data["reason"],
                new_grade=data.get("new_grade") or "",
                acting_user=user,
            )
        except ValidationError as error:
            _add_errors(form, error)
        else:
            messages.success(
                request,
                _("Recorded: %(change)s.") % {"change": codes.label("status_change_kind", change.kind)},
            )
            return redirect("registry:student_detail", pk=student.pk)
    return render(
        request,
        "registry/students/status.html",
        {"form": form, "student": student, "enrolment": enrolment},
    )


# Duplicates (一人一籍 for people without an ID number) ------------------------------------


def _suspect_queryset(user: Any) -> QuerySet[DuplicateSuspect]:
    q = _require_scope(user, MERGE, "organization")
    return (
        DuplicateSuspect.objects.filter(q)
        .select_related("first", "second", "organization")
        .defer(
            "first__id_number",
            "first__address",
            "first__student_number",
            "second__id_number",
            "second__address",
            "second__student_number",
        )
    )


@login_required
def duplicate_list(request: HttpRequest) -> HttpResponse:
    user = request.user
    suspects = _suspect_queryset(user).filter(status=DuplicateStatus.OPEN).order_by("-created_at", "-pk")
    page = Paginator(suspects, PAGE_SIZE).get_page(request.GET.get("page"))
    merges = (
        StudentMerge.objects.filter(scope_q(user, MERGE, field="organization"))
        .select_related("kept", "merged", "merged_by", "reverted_by")
        .defer(
            "kept__id_number",
            "kept__address",
            "kept__student_number",
            "merged__id_number",
            "merged__address",
            "merged__student_number",
        )
        .order_by("-merged_at", "-pk")[:PAGE_SIZE]
    )
    return render(
        request,
        "registry/students/duplicates.html",
        {"page": page, "merges": merges, "reason_form": ReasonForm()},
    )


def _side(student: Student) -> dict[str, Any]:
    """What the merge page shows of one record: masked identity, enrolments, guardians."""
    return {
        "student": student,
        "enrolments": student.enrolments.select_related("school").order_by("-started_on", "-pk"),
        "guardian_links": GuardianLink.objects.filter(student=student).select_related("guardian"),
    }


@login_required
@require_http_methods(["GET", "POST"])
def duplicate_merge(request: HttpRequest, pk: int) -> HttpResponse:
    """Compare a suspected pair side by side; merge them (keeping one) or dismiss."""
    user = request.user
    try:
        suspect = _suspect_queryset(user).get(pk=int(pk))  # scoped: filtered by the merge grant
    except (DuplicateSuspect.DoesNotExist, ValueError):
        raise Http404(_("Duplicate not found.")) from None
    form = MergeForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        if suspect.status != DuplicateStatus.OPEN:
            form.add_error(None, _("This pair has already been decided."))
        elif request.POST.get("decision") == "dismiss":
            do_dismiss_suspect(suspect, acting_user=user, reason=form.cleaned_data["reason"])
            messages.success(request, _("Marked as two different people."))
            return redirect("registry:duplicate_list")
        elif not form.cleaned_data["kept"]:
            form.add_error("kept", _("Choose the record to keep."))
        else:
            kept, merged = suspect.first, suspect.second
            if form.cleaned_data["kept"] == MergeForm.KEEP_SECOND:
                kept, merged = merged, kept
            try:
                do_merge_students(
                    _full(kept),
                    _full(merged),
                    acting_user=user,
                    reason=form.cleaned_data["reason"],
                    suspect=suspect,
                )
            except (MergeRefused, PermissionDenied) as error:
                form.add_error(None, getattr(error, "message", None) or str(error))
            else:
                messages.success(request, _("The records are merged; the merge can be undone."))
                return redirect("registry:student_detail", pk=kept.pk)
    return render(
        request,
        "registry/students/merge.html",
        {"suspect": suspect, "form": form, "first": _side(suspect.first), "second": _side(suspect.second)},
    )


def _full(student: Student) -> Student:
    """The record with every column loaded (the merge action saves it)."""
    return Student.objects.get(pk=student.pk)  # scoped: a record of a pair already scoped above


@login_required
@require_POST
def merge_revert(request: HttpRequest, pk: int) -> HttpResponse:
    user = request.user
    q = _require_scope(user, MERGE, "organization")
    try:
        merge = (
            StudentMerge.objects.filter(q).select_related("kept", "merged").get(pk=int(pk))
        )  # scoped: merge grant
    except (StudentMerge.DoesNotExist, ValueError):
        raise Http404(_("Merge not found.")) from None
    form = ReasonForm(request.POST)
    form.is_valid()
    try:
        do_revert_merge(merge, acting_user=user, reason=form.cleaned_data.get("reason", ""))
    except (MergeRefused, PermissionDenied) as error:
        messages.error(request, getattr(error, "message", None) or str(error))
    else:
        messages.success(request, _("The merge is undone: both records are separate again."))
    return redirect("registry:duplicate_list")


# Export ---------------------------------------------------------------------------------------


def _export_headers(unmasked: bool) -> list[str]:
    return [
        _("Student number"),
        pgettext("person", "Name"),
        _("ID document type"),
        _("ID document number") if unmasked else _("ID number (masked)"),
        _("Sex"),
        _("Ethnicity"),
        _("Date of birth"),
        _("Nationality"),
        _("Household registration region"),
        *([_("Home address")] if unmasked else []),
        _("School"),
        _("School code"),
        _("Grade"),
        _("Class"),
        _("Study mode"),
        _("Entry date"),
        _("Status"),
        _("Left-behind child"),
        _("Migrant child"),
        _("Disability category"),
        _("Eligible for financial aid"),
    ]


EXPORT_COLUMNS = (
    "student__student_number_masked",
    "student__name",
    "student__id_type",
    "student__id_masked",
    "student__sex",
    "student__ethnicity",
    "student__birth_date",
    "student__nationality",
    "student__household_region",
    "school__name",
    "school__school_code",
    "grade",
    "class_name",
    "study_mode",
    "entry_date",
    "status",
    "student__left_behind",
    "student__migrant",
    "student__disability",
    "student__aid_eligible",
)


EXPORT_CODE_TABLES = (
    "id_document_type",
    "sex",
    "ethnicity",
    "nationality",
    "grade",
    "study_mode",
    "student_status",
    "disability",
)


class _CodeNames(dict):
    """Code → name for one table, filled on first use (an export looks each code up once)."""

    def __init__(self, table: str) -> None:
        super().__init__()
        self.table = table

    def __missing__(self, code: str) -> str:
        name = self[code] = codes.label(self.table, code) if code else ""
        return name


def _export_rows(qs: QuerySet[Enrolment], unmasked: bool):  # noqa: ANN202 - a generator of rows
    """Plain tuples (no model instances: 400,000 rows), codes turned into their names."""
    yes, no = _("Yes"), _("No")
    labels = {table: _CodeNames(table) for table in EXPORT_CODE_TABLES}
    columns = EXPORT_COLUMNS + (
        ("student__id_number", "student__address", "student__student_number") if unmasked else ()
    )
    for row in qs.values_list(*columns).iterator(chunk_size=2000):
        (
            number,
            name,
            id_type,
            id_masked,
            sex,
            ethnicity,
            birth,
            nationality,
            region,
            school,
            school_code,
            grade,
            class_name,
            mode,
            entry,
            status,
            left_behind,
            migrant,
            disability,
            aid,
        ) = row[:20]
        yield [
            row[22] if unmasked else number,
            name,
            labels["id_document_type"][id_type],
            row[20] if unmasked else id_masked,
            labels["sex"][sex],
            labels["ethnicity"][ethnicity],
            birth,
            labels["nationality"][nationality],
            region,
            *([row[21]] if unmasked else []),
            school,
            school_code or "",
            labels["grade"][grade],
            class_name,
            labels["study_mode"][mode],
            entry,
            labels["student_status"][status],
            yes if left_behind else no,
            yes if migrant else no,
            labels["disability"][disability],
            yes if aid else no,
        ]


@login_required
def student_export(request: HttpRequest) -> HttpResponse:
    """The filtered list as xlsx; in full only if the user may see personal data everywhere in it."""
    user = request.user
    q_export = _require_scope(user, EXPORT, "school")
    q_view = _require_scope(user, VIEW, "school")
    form = _filter_form(request, EXPORT)
    sort = form.cleaned_data.get("sort") if "sort" not in form.errors else ""
    qs = filter_enrolments(Enrolment.objects.filter(q_export).filter(q_view), form, request)
    schools = list(Organization.objects.filter(pk__in=qs.values("school_id")).only("pk", "path"))
    unmasked = bool(schools) and all(has_permission(user, VIEW_PERSONAL, school) for school in schools)
    rows_qs = qs.order_by(*SORTS[sort or DEFAULT_SORT])
    data = getattr(form, "cleaned_data", {})
    filters = {
        key: (value.pk if key == "unit" else value)
        for key, value in data.items()
        if key not in form.errors and value not in ("", None, [])
    }
    if request.GET.getlist("idh"):
        filters["id_number"] = "(hash)"
    unit = data.get("unit") if "unit" not in form.errors else None
    filename = f"students-{timezone.localdate():%Y%m%d}.xlsx"
    return xlsx_response(
        filename,
        _export_headers(unmasked),
        _export_rows(rows_qs, unmasked),
        acting_user=user,
        kind="students",
        organization=unit or (schools[0] if len(schools) == 1 else None),
        filters=filters,
        unmasked=unmasked,
        sheet_title=_("Students"),
    )
