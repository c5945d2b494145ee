"""Public routes of cases and letters (included from ``urls/public.py``, namespace ``portal_public``).

``case_status`` (``/services/cases/<tracking_token>/``) is every case's status page.
"""

from django.urls import path, re_path

from edugov.portal.views import cases_public, letters

urlpatterns = [
    path("cases/lookup/", cases_public.case_lookup, name="case_lookup"),
    path("cases/<slug:token>/", cases_public.case_status, name="case_status"),
    path("cases/<slug:token>/rate/", cases_public.case_rate, name="case_rate"),
    path("cases/<slug:token>/reopen/", cases_public.case_reopen, name="case_reopen"),
    path("cases/<slug:token>/update/", cases_public.case_update, name="case_update"),
    path("cases/<slug:token>/files/<int:pk>/", cases_public.case_file, name="case_file"),
    path("ratings/", cases_public.ratings_summary, name="ratings_summary"),
    path("letters/published/", letters.published_list, name="letters_published"),
    path("letters/published/<int:pk>/", letters.published_detail, name="letter_published"),
    re_path(
        r"^letters/(?P<kind>mailbox|consultation|complaint|report)/$", letters.letter_new, name="letter_new"
    ),
]
