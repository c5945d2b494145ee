from django.db import models
from django.utils.translation import gettext_lazy as _


class PeriodicRun(models.Model):
    """When a periodic job (``edugov.core.periodic``) last started, one row per job.

    The runner locks the row (``select_for_update``) before deciding whether the job is
    due, so two nodes or two loops sharing a database never start it twice in one period.
    """

    name = models.CharField(_("job"), max_length=100, unique=True)
    last_run_at = models.DateTimeField(_("last started"), null=True, blank=True)
    last_task_id = models.CharField(_("last task"), max_length=64, blank=True)
    run_count = models.PositiveIntegerField(_("times started"), default=0)

    class Meta:
        ordering = ["name"]
        verbose_name = _("periodic job run")
        verbose_name_plural = _("periodic job runs")

    def __str__(self) -> str:
        return f"{self.name} @ {self.last_run_at}"
