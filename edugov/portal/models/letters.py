"""Mailbox letters, consultations, complaints and reports (领导信箱, 咨询, 投诉, 举报; PUB-8).

A letter is a ``Case`` (number, status page, clock, rating) with this one-to-one row for
what is particular to letters: the category and region the citizen chose (they drive the
routing), the consent to publish the question and answer with personal data removed, and
the reply. ``RoutingRule`` rows decide which unit a new letter goes to.

These letters are not 信访 cases under the 信访工作条例 (STANDARDS §7.1, calendar days):
the portal answers them in working days on the case clock (``LETTER_REPLY_DAYS``).
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from edugov.platform.querysets import RestrictedQuerySet
from edugov.portal.choices import CaseKind

# Working days to reply, counted on the case clock from the day of submission. Local rules
# vary; these are the portal's defaults (the 信访 periods of STANDARDS §7.1 are calendar
# days and do not apply: a letter to the mailbox is not a 信访 case).
LETTER_REPLY_DAYS = {
    CaseKind.CONSULTATION: 5,
    CaseKind.MAILBOX: 10,
    CaseKind.COMPLAINT: 15,
    CaseKind.REPORT: 15,
}
LETTER_KINDS = tuple(LETTER_REPLY_DAYS)


class LetterCategory(models.TextChoices):
    ADMISSION = "admission", _("Admission and enrolment 招生入学")
    STUDENT_STATUS = "student_status", _("Student status 学籍管理")
    FEES = "fees", _("Education fees 教育收费")
    TEACHER_ETHICS = "teacher_ethics", _("Teachers' ethics 师德师风")
    CAMPUS_SAFETY = "campus_safety", _("Campus safety 校园安全")
    TEACHER_PAY = "teacher_pay", _("Teachers' pay and conditions 教师待遇")
    STUDENT_AID = "student_aid", _("Student financial aid 学生资助")
    SCHOOL_LICENCE = "school_licence", _("School licences 办学许可")
    OTHER = "other", _("Other 其他")


class Letter(models.Model):
    scope_field = "case__handling_unit"

    case = models.OneToOneField("portal.Case", on_delete=models.CASCADE, related_name="letter")
    category = models.CharField(_("category"), max_length=20, choices=LetterCategory.choices)
    region = models.ForeignKey(
        "core.Region",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("region"),
    )
    anonymous = models.BooleanField(_("anonymous report"), default=False)
    consent_publish = models.BooleanField(
        _("agrees to publication of the question and answer with personal data removed"), default=False
    )
    # The latest reply (earlier replies stay on the timeline).
    reply_text = models.TextField(_("reply"), blank=True)
    replied_at = models.DateTimeField(_("replied at"), null=True, blank=True)
    replied_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    # Publication (公开答复): the redacted texts staff checked, never the originals.
    published = models.BooleanField(_("published"), default=False, db_index=True)
    published_at = models.DateTimeField(null=True, blank=True)
    published_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    published_question = models.TextField(_("published question"), blank=True)
    published_answer = models.TextField(_("published answer"), blank=True)

    objects = RestrictedQuerySet.as_manager()

    class Meta:
        verbose_name = _("letter")
        verbose_name_plural = _("letters")

    def __str__(self) -> str:
        return self.case.number


class RoutingRule(models.Model):
    """Where letters submitted on ``owner``'s site go: first matching rule by priority wins.

    A blank category or region prefix matches any. Without a matching rule the letter stays
    with the site's own unit.
    """

    scope_field = "owner"

    owner = models.ForeignKey(
        "core.Organization", on_delete=models.PROTECT, related_name="+", verbose_name=_("site's unit")
    )
    category = models.CharField(_("category"), max_length=20, choices=LetterCategory.choices, blank=True)
    region_prefix = models.CharField(
        _("region code prefix"),
        max_length=6,
        blank=True,
        help_text=_("Leading digits of the GB/T 2260 code, e.g. 6501 for all of Urumqi; blank for any."),
    )
    target = models.ForeignKey(
        "core.Organization", on_delete=models.PROTECT, related_name="+", verbose_name=_("handling unit")
    )
    priority = models.PositiveSmallIntegerField(_("priority"), default=100)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    objects = RestrictedQuerySet.as_manager()

    class Meta:
        ordering = ["owner", "priority", "pk"]
        verbose_name = _("routing rule")
        verbose_name_plural = _("routing rules")

    def __str__(self) -> str:
        return f"{self.owner_id}: {self.category or '*'}/{self.region_prefix or '*'} → {self.target_id}"

    def matches(self, category: str, region_code: str) -> bool:
        if self.category and self.category != category:
            return False
        return not self.region_prefix or (region_code or "").startswith(self.region_prefix)
