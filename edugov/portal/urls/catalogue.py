"""Staff pages of the disclosure catalogue and annual report (included from ``urls/workspace.py``)."""

from django.urls import path

from edugov.portal.views import catalogue

urlpatterns = [
    path("disclosure/catalogue/", catalogue.catalogue_todo, name="catalogue_todo"),
    path("disclosure/catalogue/mark/<int:document_id>/", catalogue.catalogue_mark, name="catalogue_mark"),
    path("disclosure/annual-report/", catalogue.annual_report_index, name="annual_report_index"),
    path("disclosure/annual-report/<int:unit_id>/<int:year>/", catalogue.annual_report, name="annual_report"),
    path(
        "disclosure/annual-report/<int:unit_id>/<int:year>/xlsx/",
        catalogue.annual_report_xlsx,
        name="annual_report_xlsx",
    ),
    path(
        "disclosure/annual-report/<int:unit_id>/<int:year>/figures/",
        catalogue.annual_report_figures,
        name="annual_report_figures",
    ),
    path(
        "disclosure/annual-report/<int:unit_id>/<int:year>/publish/",
        catalogue.annual_report_publish,
        name="annual_report_publish",
    ),
]
