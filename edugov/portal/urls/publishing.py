"""Staff pages of editorial review (included by urls/workspace.py, namespace ``portal``)."""

from django.urls import path

from edugov.portal.views import publishing

urlpatterns = [
    path("sites/<int:portal_site_id>/review/", publishing.review_steps, name="review_steps"),
    path("sites/<int:portal_site_id>/published/", publishing.published_pages, name="published_pages"),
    path(
        "sites/<int:portal_site_id>/published/<int:page_id>/take-down/",
        publishing.take_down_page,
        name="take_down_page",
    ),
]
