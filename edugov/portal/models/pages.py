"""Page types of every portal site: home, sections (栏目) and articles (news, notices, policies)."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _
from wagtail import blocks
from wagtail.admin.panels import FieldPanel
from wagtail.documents.blocks import DocumentChooserBlock
from wagtail.fields import RichTextField, StreamField
from wagtail.images.blocks import ImageChooserBlock
from wagtail.models import Page
from wagtail.search import index

from edugov.portal.forms.pages import PortalPageForm

# Rich-text features editors may use: no raw HTML, no embeds from outside hosts.
RICH_TEXT_FEATURES = ["h2", "h3", "bold", "italic", "ol", "ul", "link", "document-link", "hr"]


class ArticleKind(models.TextChoices):
    NEWS = "news", _("News 新闻")
    NOTICE = "notice", _("Notice 通知公告")
    POLICY = "policy", _("Policy 政策文件")
    INTERPRETATION = "interpretation", _("Policy interpretation 政策解读")


class BodyBlock(blocks.StreamBlock):
    paragraph = blocks.RichTextBlock(features=RICH_TEXT_FEATURES, label=_("Text"))
    image = ImageChooserBlock(label=_("Image"))
    document = DocumentChooserBlock(label=_("Attachment"))


class HomePage(Page):
    """The root page of a site; its unit's name is the site name."""

    base_form_class = PortalPageForm

    intro = RichTextField(_("introduction"), blank=True, features=RICH_TEXT_FEATURES)

    content_panels = [*Page.content_panels, FieldPanel("intro")]
    parent_page_types = ["wagtailcore.Page"]
    subpage_types = ["portal.SectionPage", "portal.ArticlePage", "portal.DisclosureIndexPage"]
    template = "portal/pages/home_page.html"

    class Meta:
        verbose_name = _("site home page")


class SectionPage(Page):
    """A section (栏目) listing its articles, newest first."""

    base_form_class = PortalPageForm

    intro = RichTextField(_("introduction"), blank=True, features=RICH_TEXT_FEATURES)

    content_panels = [*Page.content_panels, FieldPanel("intro")]
    parent_page_types = ["portal.HomePage", "portal.SectionPage"]
    subpage_types = ["portal.SectionPage", "portal.ArticlePage", "portal.DisclosureIndexPage"]
    template = "portal/pages/section_page.html"

    class Meta:
        verbose_name = _("section")


class ArticlePage(Page):
    """A news item, notice, policy or interpretation."""

    base_form_class = PortalPageForm

    kind = models.CharField(_("kind"), max_length=16, choices=ArticleKind.choices, default=ArticleKind.NEWS)
    date = models.DateField(_("date"))
    source = models.CharField(_("source"), max_length=100, blank=True)
    summary = models.TextField(_("summary"), max_length=500, blank=True)
    body = StreamField(BodyBlock(), verbose_name=_("body"), blank=True)

    content_panels = [
        *Page.content_panels,
        FieldPanel("kind"),
        FieldPanel("date"),
        FieldPanel("source"),
        FieldPanel("summary"),
        FieldPanel("body"),
    ]
    search_fields = [*Page.search_fields, index.SearchField("summary"), index.SearchField("body")]
    parent_page_types = ["portal.HomePage", "portal.SectionPage"]
    subpage_types: list[str] = []
    template = "portal/pages/article_page.html"

    class Meta:
        verbose_name = _("article")
