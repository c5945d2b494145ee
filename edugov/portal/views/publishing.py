"""Review steps of a site and taking published pages down (staff); the constant ping (public)."""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET, require_http_methods

from edugov.portal.access_publishing import access_portal_site
from edugov.portal.access_sites import access_site
from edugov.portal.actions.publishing import (
    MAX_DUE_WORKING_DAYS,
    MAX_STEPS,
    TAKEDOWN_REASON_MAX,
    StepSpec,
    do_configure_review_steps,
    do_take_down_page,
    reviewer_candidates,
    takedown_candidates,
    takedown_scope,
)
from edugov.portal.publishing import site_workflow


@require_GET
def ping(request: HttpRequest) -> HttpResponse:
    """A constant answer through the whole stack (the page-cache benchmark's yardstick)."""
    return HttpResponse(b"ok", content_type="text/plain")


class StepForm(forms.Form):
    name = forms.CharField(
        label=gettext_lazy("Step"),
        max_length=60,
        required=False,
        widget=forms.TextInput(
            attrs={"class": "form-control", "placeholder": "初审 / 复审 / 终审 / 领导审签"}
        ),
    )
    due_working_days = forms.IntegerField(
        label=gettext_lazy("Due in working days"),
        min_value=1,
        max_value=MAX_DUE_WORKING_DAYS,
        initial=3,
        widget=forms.NumberInput(attrs={"class": "form-control"}),
    )
    reviewers = forms.MultipleChoiceField(
        label=gettext_lazy("Reviewers"), required=False, widget=forms.CheckboxSelectMultiple
    )

    def __init__(self, *args: Any, candidates: list[tuple[str, str]], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["reviewers"].choices = candidates

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        if data.get("name") and not data.get("reviewers"):
            self.add_error("reviewers", ValidationError(_("Choose at least one reviewer."), code="required"))
        if data.get("reviewers") and not data.get("name"):
            self.add_error("name", ValidationError(_("Name the step."), code="required"))
        return data


StepFormSet = forms.formset_factory(StepForm, extra=1, max_num=MAX_STEPS, validate_max=True)


def _initial_steps(portal_site: Any) -> list[dict[str, Any]]:
    workflow = site_workflow(portal_site)
    if workflow is None:
        return []
    initial = []
    for task in workflow.tasks.specific():
        members = {str(u.pk) for g in task.groups.all() for u in g.user_set.all()}
        initial.append(
            {
                "name": task.name,
                "due_working_days": getattr(task, "due_working_days", 3),
                "reviewers": sorted(members),
            }
        )
    return initial


@login_required
@require_http_methods(["GET", "POST"])
def review_steps(request: HttpRequest, portal_site_id: int) -> HttpResponse:
    portal_site = access_portal_site(request.user, portal_site_id, action="manage")
    people = list(reviewer_candidates(portal_site))
    by_id = {str(u.pk): u for u in people}
    candidates = [(str(u.pk), f"{u.real_name or u.username} ({u.username})") for u in people]
    if request.method == "POST":
        formset = StepFormSet(request.POST, form_kwargs={"candidates": candidates})
        if formset.is_valid():
            steps = [
                StepSpec(
                    name=form.cleaned_data["name"],
                    reviewers=[by_id[pk] for pk in form.cleaned_data["reviewers"]],
                    due_working_days=form.cleaned_data["due_working_days"],
                )
                for form in formset.forms
                if form.cleaned_data.get("name")
            ]
            try:
                do_configure_review_steps(portal_site, steps=steps, acting_user=request.user)
            except ValidationError as error:
                formset._non_form_errors = formset.error_class(error.error_list)  # noqa: SLF001
            else:
                messages.success(request, _("The review steps were saved. New submissions follow them."))
                return redirect("portal:review_steps", portal_site_id=portal_site.pk)
    else:
        formset = StepFormSet(initial=_initial_steps(portal_site), form_kwargs={"candidates": candidates})
    return render(
        request,
        "portal/publishing/review_steps.html",
        {"portal_site": portal_site, "formset": formset, "candidates": candidates, "max_steps": MAX_STEPS},
    )


# --- taking published pages down (撤稿) -----------------------------------------------------------

PUBLISHED_PER_PAGE = 50


class TakeDownForm(forms.Form):
    reason = forms.CharField(
        label=gettext_lazy("Reason"),
        max_length=TAKEDOWN_REASON_MAX,
        widget=forms.Textarea(attrs={"class": "form-control", "rows": 3}),
        help_text=gettext_lazy(
            "Kept in the audit log, e.g. a wrong date in the notice or a name that must not be public."
        ),
    )


@login_required
@require_GET
def published_pages(request: HttpRequest, portal_site_id: int) -> HttpResponse:
    """The site's published pages, newest first, searchable by title: where a reviewer finds the
    page to take down."""
    portal_site = access_site(request.user, portal_site_id, action="publish")
    query = request.GET.get("q", "").strip()[:100]
    pages = takedown_candidates(portal_site).order_by("-last_published_at", "-pk")
    if query:
        pages = pages.filter(title__icontains=query)
    page_obj = Paginator(pages, PUBLISHED_PER_PAGE).get_page(request.GET.get("page"))
    return render(
        request,
        "portal/publishing/published_pages.html",
        {"portal_site": portal_site, "page_obj": page_obj, "query": query},
    )


@login_required
@require_http_methods(["GET", "POST"])
def take_down_page(request: HttpRequest, portal_site_id: int, page_id: int) -> HttpResponse:
    portal_site = access_site(request.user, portal_site_id, action="publish")
    page = takedown_candidates(portal_site).filter(pk=page_id).first()
    if page is None:
        raise Http404(_("Page not found."))
    with_it = takedown_scope(portal_site, page).exclude(pk=page.pk).count()
    form = TakeDownForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            taken = do_take_down_page(
                page, portal_site=portal_site, acting_user=request.user, reason=form.cleaned_data["reason"]
            )
        except ValidationError as error:
            form.add_error("reason", error)
        else:
            messages.success(
                request,
                _("“%(title)s” was taken down (%(n)d page(s)); it is kept as a draft.")
                % {"title": page.title, "n": len(taken)},
            )
            return redirect("portal:published_pages", portal_site_id=portal_site.pk)
    return render(
        request,
        "portal/publishing/take_down.html",
        {"portal_site": portal_site, "page": page, "with_it": with_it, "form": form},
    )
