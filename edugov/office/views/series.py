"""Number series (发文字号) of the units a clerk looks after."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.db import IntegrityError, transaction
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from edugov.core.audit import log_event
from edugov.core.models import Organization
from edugov.core.permissions.scopes import has_permission, scope_q
from edugov.office.events import OfficeEvent
from edugov.office.forms.documents import SeriesForm
from edugov.office.models import NumberCounter, NumberSeries


@login_required
def series_list(request: HttpRequest) -> HttpResponse:
    if not has_permission(request.user, "office.numberseries.view"):
        raise Http404(_("Number series not found."))
    series = list(
        NumberSeries.objects.restrict(request.user, "view")
        .select_related("organization")
        .order_by("organization__path", "prefix")[:500]
    )
    year = timezone.localdate().year
    counters = dict(
        NumberCounter.objects.filter(series__in=series, year=year).values_list("series_id", "last_value")
    )
    rows = [(s, counters.get(s.pk, 0)) for s in series]
    return render(
        request,
        "office/series/list.html",
        {
            "rows": rows,
            "year": year,
            "can_change": has_permission(request.user, "office.numberseries.change"),
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def series_new(request: HttpRequest) -> HttpResponse:
    user = request.user
    q = scope_q(user, "office.numberseries.change", field="")
    if q is None:
        raise Http404(_("Number series not found."))
    units = Organization.objects.filter(q, is_active=True).order_by("path")
    form = SeriesForm(request.POST or None, units=units)
    if request.method == "POST" and form.is_valid():
        try:
            with transaction.atomic():
                series = form.save()
                log_event(
                    OfficeEvent.DOCUMENT_CHANGED, acting_user=user, target=series, extra={"series": "created"}
                )
        except IntegrityError:
            form.add_error("prefix", _("This unit already has a series with this code."))
        else:
            messages.success(request, _("Series %(prefix)s added.") % {"prefix": series.prefix})
            return redirect("office:series_list")
    return render(request, "office/series/new.html", {"form": form})
