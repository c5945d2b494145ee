"""Staff pages of citizens' cases (every kind): inbox, detail with handling, routing rules.

Reads by id go through ``edugov.portal.access_cases.access_case`` (404 for missing and not
allowed alike); the POST actions ask for the action they need (handle, route, approve) on the case's
handling unit. Opening the detail page, which shows the requester's personal data, is
audited each time.
"""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.db.models import Exists, OuterRef
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from edugov.core.models import Organization
from edugov.core.permissions.scopes import has_permission, scope_q
from edugov.portal.access_cases import access_case
from edugov.portal.actions.case_handling import (
    close_blockers,
    do_accept_case,
    do_close_case,
    do_reroute_case,
    do_view_case_personal,
    may,
    reroute_targets,
)
from edugov.portal.actions.letters import (
    do_delete_routing_rule,
    do_publish_letter,
    do_reply_letter,
    do_save_routing_rule,
    do_unpublish_letter,
    suggested_publication,
)
from edugov.portal.actions.ratings import (
    appeal_decider_unit,
    do_decide_rating_appeal,
    do_file_rating_appeal,
    do_record_follow_up,
    do_record_rectification,
    may_decide_appeal,
)
from edugov.portal.choices import OPEN_CASE_STATUSES, CaseKind, CaseStatus
from edugov.portal.clock import case_deadline
from edugov.portal.forms.letters import (
    AppealDecisionForm,
    AppealForm,
    CloseForm,
    FollowUpForm,
    InboxFilterForm,
    PublishForm,
    RectificationForm,
    ReplyForm,
    RerouteForm,
    RoutingRuleForm,
)
from edugov.portal.models import Case, Letter, RatingAppeal, Rectification, RoutingRule
from edugov.portal.models.ratings import AppealStatus, RectificationStatus
from edugov.portal.views.cases_public import timeline_lines

PAGE_SIZE = 25


def _not_for_disclosure(case: Case) -> Case:
    """Accepting, answering and transferring a disclosure request follow the regulation's own
    steps on /portal/disclosure/ (receipt date, result categories, 补正, approved extension)."""
    if case.kind == CaseKind.DISCLOSURE:
        raise Http404(_("Case not found."))
    return case


def _add_errors(form: Any, error: ValidationError) -> None:
    if hasattr(error, "error_dict"):
        for field, errors in error.message_dict.items():
            for message in errors:
                form.add_error(field if field in form.fields else None, message)
    else:
        for message in error.messages:
            form.add_error(None, message)


def _flash_error(request: HttpRequest, error: ValidationError | PermissionDenied) -> None:
    texts = error.messages if isinstance(error, ValidationError) else [str(error)]
    for text in texts:
        messages.error(request, text)


@login_required
@require_GET
def case_inbox(request: HttpRequest) -> HttpResponse:
    user = request.user
    if not has_permission(user, "portal.case.view"):
        raise Http404(_("Page not found."))
    form = InboxFilterForm(request.GET or None)
    cases = Case.objects.restrict(user, "view").select_related("handling_unit")
    open_rect = Rectification.objects.filter(case=OuterRef("pk"), status=RectificationStatus.OPEN)
    cases = cases.annotate(rectification_open=Exists(open_rect))
    if form.is_valid():
        data = form.cleaned_data
        if data["kind"]:
            cases = cases.filter(kind=data["kind"])
        if data["status"]:
            cases = cases.filter(status=data["status"])
        if data["overdue"]:
            cases = cases.filter(status__in=OPEN_CASE_STATUSES, due_on__lt=timezone.localdate())
        if data["rectification"]:
            cases = cases.filter(rectification_open=True)
    page = Paginator(cases.order_by("-created_at", "-pk"), PAGE_SIZE).get_page(request.GET.get("page"))
    return render(
        request,
        "portal/cases/inbox.html",
        {
            "form": form,
            "page": page,
            "today": timezone.localdate(),
            "open_statuses": list(OPEN_CASE_STATUSES),
            "can_route": has_permission(user, "portal.case.route"),
        },
    )


def _detail_context(request: HttpRequest, case: Case, **forms: Any) -> dict[str, Any]:
    user = request.user
    deadline = case_deadline(case)
    letter = Letter.objects.filter(case=case).select_related("region").first()
    ratings = list(case.ratings.select_related("unit").prefetch_related("appeals"))
    appeals = RatingAppeal.objects.filter(rating__case=case).select_related(
        "rating", "filed_by", "decided_by"
    )
    can_handle = may(user, "handle", case)
    publication = None
    if letter is not None and letter.consent_publish and letter.reply_text and can_handle:
        question, answer = (
            (letter.published_question, letter.published_answer)
            if letter.published
            else suggested_publication(case)
        )
        publication = forms.get("publish_form") or PublishForm(
            initial={"question": question, "answer": answer}
        )
    context = {
        "case": case,
        "letter": letter,
        "deadline": deadline,
        "explain": deadline.explain(),
        "timeline": timeline_lines(case.events.order_by("at", "pk")),
        "events": case.events.select_related("actor", "unit").order_by("at", "pk"),
        "attachments": case.attachments.all(),
        "ratings": ratings,
        "appeals": appeals,
        "rectifications": case.rectifications.prefetch_related("follow_ups"),
        "follow_ups": case.follow_ups.select_related("recorded_by"),
        "closures": case.closures.select_related("closed_by"),
        "close_blockers": [m for e in close_blockers(case) for m in e.messages],
        "can_handle": can_handle,
        "can_route": may(user, "route", case),
        "can_approve": may(user, "approve", case),
        "is_finished": case.status in (CaseStatus.CLOSED, CaseStatus.WITHDRAWN),
        "reply_form": forms.get("reply_form") or ReplyForm(),
        "reroute_form": forms.get("reroute_form") or RerouteForm(targets=reroute_targets(user, case)),
        "close_form": forms.get("close_form") or CloseForm(),
        "rectification_form": forms.get("rectification_form") or RectificationForm(),
        "follow_up_form": forms.get("follow_up_form") or FollowUpForm(),
        "appeal_form": forms.get("appeal_form") or AppealForm(),
        "decision_form": forms.get("decision_form") or AppealDecisionForm(),
        "publish_form": publication,
        "decidable_appeals": [a for a in appeals if may_decide_appeal(user, a)],
        "pending_appeal_ratings": {a.rating_id for a in appeals if a.status == AppealStatus.PENDING},
        "today": timezone.localdate(),
    }
    return context


@login_required
@never_cache
@require_GET
def case_detail(request: HttpRequest, pk: int) -> HttpResponse:
    case = access_case(request.user, pk)
    do_view_case_personal(case, acting_user=request.user)
    return render(request, "portal/cases/detail.html", _detail_context(request, case))


def _rerender(request: HttpRequest, case: Case, **forms: Any) -> HttpResponse:
    return render(request, "portal/cases/detail.html", _detail_context(request, case, **forms), status=400)


@login_required
@require_POST
def case_accept(request: HttpRequest, pk: int) -> HttpResponse:
    case = _not_for_disclosure(access_case(request.user, pk, action="handle"))
    try:
        do_accept_case(case, acting_user=request.user)
    except (ValidationError, PermissionDenied) as error:
        _flash_error(request, error)
    else:
        messages.success(request, _("Case accepted."))
    return redirect("portal:case_detail", pk=case.pk)


@login_required
@require_POST
def case_reply(request: HttpRequest, pk: int) -> HttpResponse:
    case = _not_for_disclosure(access_case(request.user, pk, action="handle"))
    if not Letter.objects.filter(case=case).exists():
        raise Http404(_("Case not found."))
    form = ReplyForm(request.POST, request.FILES)
    if form.is_valid():
        try:
            do_reply_letter(
                case,
                acting_user=request.user,
                text=form.cleaned_data["text"],
                attachments=form.cleaned_data["attachments"],
            )
        except ValidationError as error:
            _add_errors(form, error)
        else:
            messages.success(request, _("Reply sent; the requester sees it on the status page."))
            return redirect("portal:case_detail", pk=case.pk)
    return _rerender(request, case, reply_form=form)


@login_required
@require_POST
def case_reroute(request: HttpRequest, pk: int) -> HttpResponse:
    case = _not_for_disclosure(access_case(request.user, pk, action="route"))
    targets = reroute_targets(request.user, case)
    form = RerouteForm(request.POST, targets=targets)
    if form.is_valid():
        try:
            do_reroute_case(
                case,
                target=form.cleaned_data["target"],
                acting_user=request.user,
                reason=form.cleaned_data["reason"],
                internal_note=form.cleaned_data["internal_note"],
            )
        except ValidationError as error:
            _add_errors(form, error)
        else:
            messages.success(request, _("Case transferred."))
            if has_permission(request.user, "portal.case.view", form.cleaned_data["target"]):
                return redirect("portal:case_detail", pk=case.pk)
            return redirect("portal:case_inbox")
    return _rerender(request, case, reroute_form=form)


@login_required
@require_POST
def case_close(request: HttpRequest, pk: int) -> HttpResponse:
    case = access_case(request.user, pk, action="approve")
    form = CloseForm(request.POST)
    if form.is_valid():
        try:
            do_close_case(
                case,
                acting_user=request.user,
                outcome=form.cleaned_data["outcome"],
                reason=form.cleaned_data["reason"],
            )
        except ValidationError as error:
            _add_errors(form, error)
        else:
            messages.success(request, _("Case closed."))
            return redirect("portal:case_detail", pk=case.pk)
    return _rerender(request, case, close_form=form)


@login_required
@require_POST
def case_rectification(request: HttpRequest, pk: int, rid: int) -> HttpResponse:
    case = access_case(request.user, pk, action="handle")
    rectification = case.rectifications.filter(pk=rid).first()
    if rectification is None:
        raise Http404(_("Case not found."))
    form = RectificationForm(request.POST)
    if form.is_valid():
        try:
            do_record_rectification(rectification, acting_user=request.user, notes=form.cleaned_data["notes"])
        except (ValidationError, PermissionDenied) as error:
            _add_errors(form, error) if isinstance(error, ValidationError) else _flash_error(request, error)
        else:
            messages.success(request, _("Rectification recorded."))
            return redirect("portal:case_detail", pk=case.pk)
    return _rerender(request, case, rectification_form=form)


@login_required
@require_POST
def case_follow_up(request: HttpRequest, pk: int) -> HttpResponse:
    case = access_case(request.user, pk, action="handle")
    form = FollowUpForm(request.POST)
    if form.is_valid():
        data = form.cleaned_data
        try:
            do_record_follow_up(
                case,
                acting_user=request.user,
                method=data["method"],
                on=data["on"],
                opinion=data["opinion"],
                satisfied=data["satisfied"],
            )
        except ValidationError as error:
            _add_errors(form, error)
        else:
            messages.success(request, _("Follow-up recorded."))
            return redirect("portal:case_detail", pk=case.pk)
    return _rerender(request, case, follow_up_form=form)


@login_required
@require_POST
def case_appeal(request: HttpRequest, pk: int, rid: int) -> HttpResponse:
    case = access_case(request.user, pk, action="handle")
    rating = case.ratings.filter(pk=rid).select_related("unit").first()
    if rating is None:
        raise Http404(_("Case not found."))
    form = AppealForm(request.POST)
    if form.is_valid():
        try:
            do_file_rating_appeal(rating, acting_user=request.user, reason=form.cleaned_data["reason"])
        except ValidationError as error:
            _add_errors(form, error)
        except PermissionDenied as error:
            raise Http404(_("Case not found.")) from error
        else:
            messages.success(request, _("Appeal filed; the parent unit will review it."))
            return redirect("portal:case_detail", pk=case.pk)
    return _rerender(request, case, appeal_form=form)


@login_required
@require_POST
def case_appeal_decide(request: HttpRequest, pk: int, aid: int) -> HttpResponse:
    case = access_case(request.user, pk)
    appeal = RatingAppeal.objects.filter(pk=aid, rating__case=case).select_related("rating__unit").first()
    if appeal is None or not has_permission(
        request.user, "portal.case.approve", appeal_decider_unit(appeal.rating)
    ):
        raise Http404(_("Case not found."))
    form = AppealDecisionForm(request.POST)
    if form.is_valid():
        try:
            do_decide_rating_appeal(
                appeal,
                acting_user=request.user,
                upheld=form.cleaned_data["upheld"],
                note=form.cleaned_data["note"],
            )
        except ValidationError as error:
            _add_errors(form, error)
        else:
            messages.success(request, _("Appeal decided."))
            return redirect("portal:case_detail", pk=case.pk)
    return _rerender(request, case, decision_form=form)


@login_required
@require_POST
def case_publish(request: HttpRequest, pk: int) -> HttpResponse:
    case = access_case(request.user, pk, action="handle")
    if not Letter.objects.filter(case=case).exists():
        raise Http404(_("Case not found."))
    form = PublishForm(request.POST)
    if form.is_valid():
        try:
            do_publish_letter(
                case,
                acting_user=request.user,
                question=form.cleaned_data["question"],
                answer=form.cleaned_data["answer"],
            )
        except ValidationError as error:
            _add_errors(form, error)
        else:
            messages.success(request, _("Published with personal data removed."))
            return redirect("portal:case_detail", pk=case.pk)
    return _rerender(request, case, publish_form=form)


@login_required
@require_POST
def case_unpublish(request: HttpRequest, pk: int) -> HttpResponse:
    case = access_case(request.user, pk, action="handle")
    if not Letter.objects.filter(case=case).exists():
        raise Http404(_("Case not found."))
    do_unpublish_letter(case, acting_user=request.user, reason=request.POST.get("reason", "")[:500])
    messages.success(request, _("Publication withdrawn."))
    return redirect("portal:case_detail", pk=case.pk)


@login_required
@never_cache
@require_GET
def case_attachment(request: HttpRequest, pk: int, fid: int) -> FileResponse:
    case = access_case(request.user, pk)
    attachment = case.attachments.filter(pk=fid).first()
    if attachment is None:
        raise Http404(_("File not found."))
    return FileResponse(
        attachment.file.open("rb"),
        as_attachment=True,
        filename=attachment.original_name,
        content_type=attachment.content_type,
    )


# --- routing rules -----------------------------------------------------------------------


def _routing_units(user: Any) -> Any:
    q = scope_q(user, "portal.case.route", field="")
    if q is None:
        raise Http404(_("Page not found."))
    return Organization.objects.filter(q, is_active=True, portal_site__isnull=False).order_by("path")


@login_required
@require_http_methods(["GET", "POST"])
def case_routing(request: HttpRequest) -> HttpResponse:
    """The letter routing rules of the sites whose unit the user routes for."""
    user = request.user
    owners = list(_routing_units(user))
    owner = None
    wanted = request.GET.get("unit") or request.POST.get("unit")
    for candidate in owners:
        if str(candidate.pk) == str(wanted):
            owner = candidate
    if owner is None and owners:
        owner = owners[0]
    targets = (
        Organization.objects.filter(path__startswith=owner.path, is_active=True).order_by("path")
        if owner is not None
        else Organization.objects.none()
    )
    form = RoutingRuleForm(request.POST or None, targets=targets)
    if request.method == "POST" and owner is not None and form.is_valid():
        data = form.cleaned_data
        try:
            do_save_routing_rule(
                owner=owner,
                target=data["target"],
                acting_user=user,
                category=data["category"],
                region_prefix=data["region_prefix"],
                priority=data["priority"],
            )
        except ValidationError as error:
            _add_errors(form, error)
        else:
            messages.success(request, _("Routing rule saved."))
            return redirect(f"{request.path}?unit={owner.pk}")
    rules = RoutingRule.objects.filter(owner=owner).select_related("target") if owner else []
    return render(
        request,
        "portal/cases/routing.html",
        {"owners": owners, "owner": owner, "rules": rules, "form": form},
        status=400 if form.errors else 200,
    )


@login_required
@require_POST
def case_routing_delete(request: HttpRequest, pk: int) -> HttpResponse:
    q = scope_q(request.user, "portal.case.route", field="owner")
    rule = RoutingRule.objects.filter(q, pk=pk).select_related("owner").first() if q is not None else None
    if rule is None:
        raise Http404(_("Page not found."))
    owner_id = rule.owner_id
    do_delete_routing_rule(rule, acting_user=request.user)
    messages.success(request, _("Routing rule deleted."))
    return redirect(f"{reverse('portal:case_routing')}?unit={owner_id}")
