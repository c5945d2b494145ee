from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from edugov.core.choices import CalendarDayKind, Jurisdiction


class CalendarYear(models.Model):
    """Which years the calendar has official data for, per jurisdiction.

    Outside a covered year, working-day arithmetic falls back to Monday–Friday and
    says so in its explanation.
    """

    jurisdiction = models.CharField(_("jurisdiction"), max_length=8, choices=Jurisdiction.choices)
    year = models.PositiveSmallIntegerField(_("year"))
    source = models.CharField(_("source"), max_length=100, blank=True)
    note = models.CharField(_("note"), max_length=200, blank=True)

    class Meta:
        ordering = ["jurisdiction", "year"]
        constraints = [
            models.UniqueConstraint(fields=["jurisdiction", "year"], name="core_calendar_year_unique")
        ]
        verbose_name = _("calendar year")
        verbose_name_plural = _("calendar years")

    def __str__(self) -> str:
        return f"{self.get_jurisdiction_display()} {self.year}"


class CalendarDay(models.Model):
    """A day that differs from the Monday–Friday rule: a holiday, or a make-up working day (调休)."""

    jurisdiction = models.CharField(_("jurisdiction"), max_length=8, choices=Jurisdiction.choices)
    date = models.DateField(_("date"))
    kind = models.CharField(_("kind"), max_length=16, choices=CalendarDayKind.choices)
    name = models.CharField(_("name"), max_length=64)
    source = models.CharField(_("source"), max_length=100, blank=True)
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["jurisdiction", "date"]
        constraints = [
            models.UniqueConstraint(fields=["jurisdiction", "date"], name="core_calendar_day_unique")
        ]
        verbose_name = _("calendar day")
        verbose_name_plural = _("calendar days")

    def __str__(self) -> str:
        return f"{self.date} {self.name}"
