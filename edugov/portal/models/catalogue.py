"""The proactive disclosure catalogue (政府信息主动公开目录, PUB-3; STANDARDS §6.1, §6.4).

A site's catalogue is a ``DisclosureIndexPage`` whose children are ``DisclosureItemPage``
rows. Items go through the site's review workflow like every page; when an item goes live
for the first time it is given its index number (索引号)::

    <unit code>/<year>-<5-digit sequence>        e.g. 11650000MB0000001X/2026-00012

* unit code: the unit's unified social credit code (GB 32100, 18 characters) where recorded,
  else its 10-digit school code, else ``U`` + the unit's id padded to 8 digits (a platform
  unit code, stable for the life of the unit);
* year: the year of the publication date (发布日期);
* sequence: per unit and year, from ``DisclosureIndexSequence`` (locked while a number is taken).

The number never changes afterwards, not even when later revisions are published
(``with_content_json`` keeps it), and copies of a page do not inherit it.

``DisclosureCandidate`` records the disclosure attribute (公开属性) of an office document:
the office's ``Document`` has no such field, so the portal keeps it. A document marked
主动公开 gets a draft catalogue item when it is distributed; the 20-working-day period of
第二十六条 runs from the document's formation date (成文日期).

``AnnualReportFigures`` holds the annual report's figures that do not come from records
(table 二 rows (五)(六)(八), table 四, and the text sections 一、五、六).
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.conf import settings
from django.core.paginator import Paginator
from django.db import models, transaction
from django.utils import timezone
from django.utils.safestring import mark_safe
from django.utils.translation import gettext_lazy as _
from wagtail import blocks
from wagtail.admin.panels import FieldPanel, MultiFieldPanel
from wagtail.documents.blocks import DocumentChooserBlock
from wagtail.fields import RichTextField, StreamField
from wagtail.models import Page
from wagtail.search import index

from edugov.platform.querysets import RestrictedQuerySet
from edugov.portal.forms.pages import PortalPageForm
from edugov.portal.models.pages import RICH_TEXT_FEATURES, BodyBlock

ITEMS_PER_PAGE = 20


class DisclosureCategory(models.TextChoices):
    """Catalogue categories: 政府信息公开条例 第二十条 and what education bureaus publish."""

    ORGANISATION = "organisation", _("Organisation and functions 机构职能")
    RULES = "rules", _("Laws and documents: rules 法规文件·规章")
    NORMATIVE = (
        "normative",
        _("Laws and documents: administrative normative documents 法规文件·行政规范性文件"),
    )
    OTHER_DOCUMENTS = "other_documents", _("Laws and documents: other documents 法规文件·其他文件")
    PLANS = "plans", _("Plans and programmes 规划计划")
    BUDGETS = "budgets", _("Budgets and final accounts 财政预决算")
    LICENSING = "licensing", _("Administrative licensing 行政许可")
    PENALTIES = "penalties", _("Administrative penalties 行政处罚")
    COERCION = "coercion", _("Administrative coercion 行政强制")
    FEES = "fees", _("Administrative fees 行政事业性收费")
    ADMISSIONS = "admissions", _("Admissions and examinations 招生考试")
    INSPECTION = "inspection", _("Education inspection 教育督导")
    PERSONNEL = "personnel", _("Personnel information 人事信息")
    PROPOSALS = "proposals", _("Handling of proposals and motions 建议提案办理")
    ANNUAL_REPORT = "annual_report", _("Annual disclosure reports 政府信息公开年度报告")
    OTHER = "other", _("Other 其他")


class Validity(models.TextChoices):
    VALID = "valid", _("In force 有效")
    EXPIRED = "expired", _("Expired 失效")
    ABOLISHED = "abolished", _("Abolished 废止")


def in_force_q(day: dt.date) -> models.Q:
    """Items in force on ``day``: marked in force and not ended, or ended only after ``day``."""
    not_ended = models.Q(abolished_on__isnull=True) | models.Q(abolished_on__gt=day)
    return (models.Q(validity=Validity.VALID) & not_ended) | (
        ~models.Q(validity=Validity.VALID) & models.Q(abolished_on__gt=day)
    )


def validity_q(value: str, day: dt.date) -> models.Q:
    """The public filter: the validity an item has on ``day`` (see ``DisclosureItemPage.validity_on``)."""
    if value == Validity.VALID:
        return in_force_q(day)
    if value == Validity.ABOLISHED:
        return models.Q(validity=Validity.ABOLISHED) & ~in_force_q(day)
    return ~models.Q(validity=Validity.ABOLISHED) & ~in_force_q(day)


class DisclosureAttribute(models.TextChoices):
    """公开属性 of an official document."""

    PROACTIVE = "proactive", _("Proactive disclosure 主动公开")
    ON_REQUEST = "on_request", _("Disclosure on request 依申请公开")
    NOT_PUBLIC = "not_public", _("Not to be disclosed 不予公开")


class DisclosureIndexSequence(models.Model):
    """The last index-number sequence given out for a unit and year."""

    unit = models.ForeignKey("core.Organization", on_delete=models.PROTECT, related_name="+")
    year = models.PositiveSmallIntegerField()
    last = models.PositiveIntegerField(default=0)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["unit", "year"], name="portal_disclosure_seq_unique")]

    def __str__(self) -> str:
        return f"{self.unit_id}/{self.year}: {self.last}"


class DisclosureIndexPage(Page):
    """A site's 政务公开 catalogue: lists its items with filters and pages."""

    base_form_class = PortalPageForm

    intro = RichTextField(_("introduction"), blank=True, features=RICH_TEXT_FEATURES)

    content_panels = [*Page.content_panels, FieldPanel("intro")]
    parent_page_types = ["portal.HomePage", "portal.SectionPage"]
    subpage_types = ["portal.DisclosureItemPage"]
    max_count_per_parent = 1
    template = "portal/catalogue/index_page.html"

    class Meta:
        verbose_name = _("disclosure catalogue")

    def items(self) -> Any:
        return (
            DisclosureItemPage.objects.child_of(self)
            .live()
            .public()
            .order_by("-published_on", "-index_year", "-index_seq", "-pk")
        )

    def get_context(self, request: Any, *args: Any, **kwargs: Any) -> dict[str, Any]:
        from edugov.portal.views.catalogue import CatalogueFilterForm

        context = super().get_context(request, *args, **kwargs)
        form = CatalogueFilterForm(request.GET or None, years=self.years())
        items = form.apply(self.items())
        paginator = Paginator(items, ITEMS_PER_PAGE)
        context["filter_form"] = form
        context["items_page"] = paginator.get_page(request.GET.get("page"))
        context["filter_query"] = form.query_string()
        return context

    def years(self) -> list[int]:
        dates = self.items().exclude(published_on=None).dates("published_on", "year", order="DESC")
        return [d.year for d in dates]


# Generated tables (the annual report): shown through an allow-list sanitiser, so an edit in
# the admin can change figures (and is reviewed) but can never add a script or a style.
TABLE_TAGS = {
    "table",
    "caption",
    "thead",
    "tbody",
    "tfoot",
    "tr",
    "th",
    "td",
    "p",
    "h2",
    "h3",
    "strong",
    "br",
}
TABLE_ATTRIBUTES = {"th": {"scope", "colspan", "rowspan"}, "td": {"colspan", "rowspan"}, "table": {"class"}}


def clean_table_html(html: str) -> str:
    import nh3

    return nh3.clean(html or "", tags=TABLE_TAGS, attributes=TABLE_ATTRIBUTES, link_rel=None)


class TablesBlock(blocks.TextBlock):
    def render_basic(self, value: Any, context: Any = None) -> str:
        return mark_safe(clean_table_html(value))  # noqa: S308 - sanitised by an allow-list just above

    class Meta:
        icon = "table"


class CatalogueBodyBlock(BodyBlock):
    tables = TablesBlock(label=_("Tables (generated)"))


class AttachmentsBlock(blocks.StreamBlock):
    document = DocumentChooserBlock(label=_("Attachment"))


class DisclosureItemPage(Page):
    """One item of the catalogue, with the metadata of the catalogue's table (索引号, 文号, …)."""

    base_form_class = PortalPageForm

    # The unit whose catalogue this is (the site's unit); set when the page is first saved.
    unit = models.ForeignKey(
        "core.Organization",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        editable=False,
        related_name="+",
        verbose_name=_("unit"),
    )
    index_number = models.CharField(_("index number 索引号"), max_length=64, blank=True, editable=False)
    index_year = models.PositiveSmallIntegerField(null=True, blank=True, editable=False)
    index_seq = models.PositiveIntegerField(null=True, blank=True, editable=False)
    category = models.CharField(
        _("category 分类"),
        max_length=20,
        choices=DisclosureCategory.choices,
        default=DisclosureCategory.OTHER,
    )
    issuing_unit = models.CharField(
        _("issuing unit 发布机构"),
        max_length=120,
        blank=True,
        help_text=_("Leave empty for the site's unit."),
    )
    document_number = models.CharField(_("document number 文号"), max_length=60, blank=True)
    issued_on = models.DateField(_("date of issue 成文日期"), null=True, blank=True)
    published_on = models.DateField(
        _("date of publication 发布日期"),
        null=True,
        blank=True,
        help_text=_("Leave empty: the date the item first goes live."),
    )
    validity = models.CharField(
        _("validity 有效性"), max_length=10, choices=Validity.choices, default=Validity.VALID
    )
    effective_from = models.DateField(_("in force from"), null=True, blank=True)
    abolished_on = models.DateField(
        _("expired or abolished on"),
        null=True,
        blank=True,
        help_text=_("For expired or abolished documents."),
    )
    keywords = models.CharField(_("topic keywords 主题词"), max_length=200, blank=True)
    body = StreamField(CatalogueBodyBlock(), verbose_name=_("body"), blank=True)
    attachments = StreamField(AttachmentsBlock(), verbose_name=_("attachments"), blank=True)

    content_panels = [
        *Page.content_panels,
        MultiFieldPanel(
            [
                FieldPanel("category"),
                FieldPanel("issuing_unit"),
                FieldPanel("document_number"),
                FieldPanel("issued_on"),
                FieldPanel("published_on"),
                FieldPanel("validity"),
                FieldPanel("effective_from"),
                FieldPanel("abolished_on"),
                FieldPanel("keywords"),
            ],
            heading=_("Catalogue metadata"),
        ),
        FieldPanel("body"),
        FieldPanel("attachments"),
    ]
    search_fields = [
        *Page.search_fields,
        index.SearchField("document_number"),
        index.SearchField("keywords"),
        index.SearchField("body"),
        index.FilterField("category"),
        index.FilterField("validity"),
    ]
    parent_page_types = ["portal.DisclosureIndexPage"]
    subpage_types: list[str] = []
    exclude_fields_in_copy = ["index_number", "index_year", "index_seq", "published_on"]
    template = "portal/catalogue/item_page.html"

    class Meta:
        verbose_name = _("disclosure catalogue item")
        constraints = [
            models.UniqueConstraint(
                fields=["index_number"],
                condition=~models.Q(index_number=""),
                name="portal_disclosure_index_number_unique",
            ),
        ]
        indexes = [models.Index(fields=["unit", "category"], name="portal_disclosure_unit_cat")]

    @property
    def issuing_unit_name(self) -> str:
        if self.issuing_unit:
            return self.issuing_unit
        return self.unit.name if self.unit_id else ""

    def validity_on(self, day: dt.date) -> str:
        """Validity on ``day``: an expired or abolished item counts as in force before its end date."""
        if self.validity != Validity.VALID and self.abolished_on and self.abolished_on > day:
            return Validity.VALID
        if self.validity == Validity.VALID and self.abolished_on and self.abolished_on <= day:
            return Validity.EXPIRED
        return self.validity

    def with_content_json(self, content: dict[str, Any]) -> DisclosureItemPage:
        """Revisions never change the index number, unit or first publication date."""
        obj = super().with_content_json(content)
        obj.unit_id = self.unit_id
        obj.index_number = self.index_number
        obj.index_year = self.index_year
        obj.index_seq = self.index_seq
        if obj.published_on is None:
            obj.published_on = self.published_on
        return obj

    def save(self, *args: Any, **kwargs: Any) -> None:
        from edugov.portal.actions.catalogue import assign_index_number, unit_of_page

        update_fields = kwargs.get("update_fields")
        if self.unit_id is None and self.path:
            self.unit = unit_of_page(self)
            if update_fields is not None:
                kwargs["update_fields"] = [*update_fields, "unit"]
        if self.live and not self.index_number and self.unit_id is not None:
            with transaction.atomic():
                assign_index_number(self)
                if kwargs.get("update_fields") is not None:
                    kwargs["update_fields"] = [
                        *kwargs["update_fields"],
                        "index_number",
                        "index_year",
                        "index_seq",
                        "published_on",
                    ]
                super().save(*args, **kwargs)
            return
        super().save(*args, **kwargs)


class DisclosureCandidateQuerySet(RestrictedQuerySet):
    def awaiting_publication(self) -> DisclosureCandidateQuerySet:
        """Documents marked 主动公开 whose catalogue item is not live yet."""
        return self.filter(attribute=DisclosureAttribute.PROACTIVE).exclude(item__live=True)


class DisclosureCandidate(models.Model):
    """The disclosure attribute (公开属性) of an office document and its catalogue item."""

    scope_field = "unit"

    document = models.OneToOneField(
        "office.Document", on_delete=models.PROTECT, related_name="disclosure_candidate"
    )
    unit = models.ForeignKey(
        "core.Organization", on_delete=models.PROTECT, related_name="+", verbose_name=_("unit")
    )
    attribute = models.CharField(
        _("disclosure attribute 公开属性"), max_length=12, choices=DisclosureAttribute.choices
    )
    category = models.CharField(
        _("catalogue category"),
        max_length=20,
        choices=DisclosureCategory.choices,
        default=DisclosureCategory.OTHER_DOCUMENTS,
    )
    reason = models.CharField(_("reason"), max_length=500, blank=True)
    # 形成日期: the document's 成文日期, known once it is signed off.
    formed_on = models.DateField(_("formed on"), null=True, blank=True)
    item = models.ForeignKey(
        DisclosureItemPage,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="candidates",
        verbose_name=_("catalogue item"),
    )
    # Why no draft could be made (no site, no catalogue); empty when fine.
    problem = models.CharField(max_length=200, blank=True)
    marked_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    marked_at = models.DateTimeField(auto_now_add=True)

    objects = DisclosureCandidateQuerySet.as_manager()

    class Meta:
        ordering = ["formed_on", "pk"]
        verbose_name = _("document marked for disclosure")
        verbose_name_plural = _("documents marked for disclosure")

    def __str__(self) -> str:
        return f"{self.document_id} {self.attribute}"

    def due_on(self) -> dt.date | None:
        """第二十六条: published within 20 working days of the information's formation."""
        formed_on = self.formed_on or self.document.written_on
        if formed_on is None:
            return None
        from edugov.core.calendar import add_working_days

        return add_working_days(formed_on, 20).result

    def is_overdue(self, today: dt.date | None = None) -> bool:
        due = self.due_on()
        return due is not None and (today or timezone.localdate()) > due


def empty_review_litigation() -> dict[str, list[int]]:
    return {"review": [0] * 5, "litigation_direct": [0] * 5, "litigation_after_review": [0] * 5}


class AnnualReportFigures(models.Model):
    """Figures and text of a unit's annual report that are entered by hand."""

    scope_field = "unit"

    unit = models.ForeignKey(
        "core.Organization", on_delete=models.PROTECT, related_name="+", verbose_name=_("unit")
    )
    year = models.PositiveSmallIntegerField(_("year"))
    licensing = models.PositiveIntegerField(_("administrative licensing decisions 行政许可"), default=0)
    penalties = models.PositiveIntegerField(_("administrative penalty decisions 行政处罚"), default=0)
    coercion = models.PositiveIntegerField(_("administrative coercion decisions 行政强制"), default=0)
    fees_10k_yuan = models.DecimalField(
        _("administrative fees collected (10,000 yuan) 行政事业性收费（万元）"),
        max_digits=12,
        decimal_places=4,
        default=0,
    )
    # Table 四: three groups (review, litigation without review, litigation after review) of five
    # columns (upheld, corrected, other result, pending, total).
    review_litigation = models.JSONField(default=empty_review_litigation)
    overview = models.TextField(_("一、overview 总体情况"), blank=True)
    problems = models.TextField(_("五、main problems and improvements 存在的主要问题及改进情况"), blank=True)
    other_matters = models.TextField(_("六、other matters to report 其他需要报告的事项"), blank=True)
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    updated_at = models.DateTimeField(auto_now=True)

    objects = RestrictedQuerySet.as_manager()

    class Meta:
        constraints = [models.UniqueConstraint(fields=["unit", "year"], name="portal_annual_figures_unique")]
        verbose_name = _("annual report figures")
        verbose_name_plural = _("annual report figures")

    def __str__(self) -> str:
        return f"{self.unit_id} {self.year}"
