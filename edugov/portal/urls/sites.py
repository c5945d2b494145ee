"""Website group pages in the workspace (namespace ``portal``, under /portal/)."""

from django.urls import path

from edugov.portal.views import sites

urlpatterns = [
    path("sites/", sites.site_list, name="site_list"),
    path("sites/new/", sites.site_create, name="site_create"),
    path("sites/<int:site_id>/", sites.site_detail, name="site_detail"),
    path("sites/<int:site_id>/offer/", sites.syndication_offer, name="syndication_offer"),
    path("offers/<int:offer_id>/accept/", sites.syndication_accept, name="syndication_accept"),
    path("offers/<int:offer_id>/decline/", sites.syndication_decline, name="syndication_decline"),
    path("offers/<int:offer_id>/withdraw/", sites.syndication_withdraw, name="syndication_withdraw"),
]
