"""Registry URLs: students (see registry/urls/__init__.py)."""

from django.urls import path

from edugov.registry.views import students as views

urlpatterns = [
    path("students/", views.student_list, name="student_list"),
    path("students/export/", views.student_export, name="student_export"),
    path("students/enrol/", views.student_enrol, name="student_enrol"),
    path("students/<int:pk>/", views.student_detail, name="student_detail"),
    path("students/<int:pk>/edit/", views.student_edit, name="student_edit"),
    path("students/<int:pk>/status/", views.student_status, name="student_status"),
    path("enrolments/<int:pk>/edit/", views.enrolment_edit, name="enrolment_edit"),
    path("duplicates/", views.duplicate_list, name="duplicate_list"),
    path("duplicates/<int:pk>/", views.duplicate_merge, name="duplicate_merge"),
    path("merges/<int:pk>/revert/", views.merge_revert, name="merge_revert"),
]
