"""Document numbers (发文字号) and incoming serial numbers (收文编号): gapless, never duplicated.

A number is taken inside the transaction that saves it on the document: the series'
counter row for the year is locked (``select_for_update``), incremented and the document
saved before the transaction commits. A crash anywhere in between rolls both back, so a
number is never burnt and never handed out twice; concurrent sign-offs queue on the
counter row. The unique constraint on (series, year, sequence) is the last line of defence.
"""

from __future__ import annotations

from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from edugov.core.audit import log_event
from edugov.office.errors import NumberingError
from edugov.office.events import OfficeEvent
from edugov.office.models import Document, NumberCounter, NumberSeries

INCOMING_PREFIX = "收文"


def _counter_for_update(series: NumberSeries, year: int) -> NumberCounter:
    counter = NumberCounter.objects.select_for_update().filter(series=series, year=year).first()
    if counter is not None:
        return counter
    try:
        with transaction.atomic():
            NumberCounter.objects.create(series=series, year=year, last_value=0)
    except IntegrityError:
        pass  # another transaction created it first; lock theirs below
    return NumberCounter.objects.select_for_update().get(series=series, year=year)


def next_value(series: NumberSeries, year: int) -> int:
    """Take the next value of ``series`` in ``year``; call inside the saving transaction."""
    if not transaction.get_connection().in_atomic_block:
        raise NumberingError(_("A number must be taken inside the transaction that stores it."))
    counter = _counter_for_update(series, year)
    counter.last_value += 1
    counter.save(update_fields=["last_value"])
    return counter.last_value


@transaction.atomic
def assign_document_number(document: Document, series: NumberSeries, *, acting_user, year: int | None = None):
    """Give ``document`` the next number of ``series`` (e.g. 新教发〔2026〕12号)."""
    locked = Document.objects.select_for_update().get(pk=document.pk)
    if locked.number_seq is not None:
        raise NumberingError(
            _("This document already has the number %(number)s.") % {"number": locked.doc_number}
        )
    if not series.is_active:
        raise NumberingError(
            _("The number series %(prefix)s is no longer in use.") % {"prefix": series.prefix}
        )
    year = year or timezone.localdate().year
    seq = next_value(series, year)
    locked.series = series
    locked.number_year = year
    locked.number_seq = seq
    locked.doc_number = series.format(year, seq)
    locked.save(update_fields=["series", "number_year", "number_seq", "doc_number", "updated_at"])
    log_event(
        OfficeEvent.DOCUMENT_NUMBERED,
        acting_user=acting_user,
        target=locked,
        extra={"series": series.pk, "year": year, "seq": seq},
    )
    document.series, document.number_year, document.number_seq = series, year, seq
    document.doc_number = locked.doc_number
    return locked


def incoming_series(organization) -> NumberSeries:  # noqa: ANN001
    series, _created = NumberSeries.objects.get_or_create(
        organization=organization, prefix=INCOMING_PREFIX, defaults={"name": "收文登记"}
    )
    return series


@transaction.atomic
def assign_incoming_serial(document: Document, *, acting_user) -> Document:
    """Register an incoming document under the unit's next 收文〔年〕N号.

    The serial's parts live in ``series``/``number_year``/``number_seq`` (the sender's
    发文字号 stays in ``doc_number``), so the same gapless rule and constraint hold.
    """
    locked = Document.objects.select_for_update().get(pk=document.pk)
    if locked.incoming_serial:
        return locked
    series = incoming_series(locked.organization)
    year = timezone.localdate().year
    seq = next_value(series, year)
    locked.series, locked.number_year, locked.number_seq = series, year, seq
    locked.incoming_serial = series.format(year, seq)
    locked.save(update_fields=["series", "number_year", "number_seq", "incoming_serial", "updated_at"])
    return locked


def number_gaps(series: NumberSeries, year: int) -> list[int]:
    """Sequence values missing between 1 and the counter (no gaps is the invariant)."""
    taken = set(
        Document.objects.filter(series=series, number_year=year, number_seq__isnull=False).values_list(
            "number_seq", flat=True
        )
    )
    last = (
        NumberCounter.objects.filter(series=series, year=year).values_list("last_value", flat=True).first()
        or 0
    )
    return [n for n in range(1, last + 1) if n not in taken]
