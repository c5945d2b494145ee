"""Office URLs: archives and loans (IN-5)."""

from django.urls import path

from edugov.office.views import archives as views

urlpatterns: list = [
    path("archives/", views.archive_list, name="archive_list"),
    path("archives/paper/new/", views.archive_paper_new, name="archive_paper_new"),
    path("archives/<int:pk>/", views.archive_detail, name="archive_detail"),
    path("archives/<int:pk>/borrow/", views.loan_request, name="loan_request"),
    path("archive-loans/", views.loan_list, name="loan_list"),
    path("archive-loans/<int:pk>/", views.loan_detail, name="loan_detail"),
    path("archive-loans/<int:pk>/decide/", views.loan_decide, name="loan_decide"),
    path("archive-loans/<int:pk>/lend/", views.loan_lend, name="loan_lend"),
    path("archive-loans/<int:pk>/return/", views.loan_return, name="loan_return"),
    path("archive-loans/<int:pk>/cancel/", views.loan_cancel, name="loan_cancel"),
    path("archive-loans/<int:pk>/view/", views.loan_view, name="loan_view"),
]
