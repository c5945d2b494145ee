"""Registry URLs: a unit's records — staff, buildings, assets, finance and school profiles."""

from django.urls import path

from edugov.registry.views import assets, buildings, finance, schools, staff

urlpatterns = [
    path("staff/", staff.staff_list, name="staff_list"),
    path("staff/add/", staff.staff_add, name="staff_add"),
    path("staff/export/", staff.staff_export, name="staff_export"),
    path("staff/<int:pk>/", staff.staff_detail, name="staff_detail"),
    path("staff/<int:pk>/edit/", staff.staff_edit, name="staff_edit"),
    path("staff/<int:pk>/personal/", staff.staff_personal, name="staff_personal"),
    path("buildings/", buildings.building_list, name="building_list"),
    path("buildings/add/", buildings.building_add, name="building_add"),
    path("buildings/export/", buildings.building_export, name="building_export"),
    path("buildings/<int:pk>/", buildings.building_detail, name="building_detail"),
    path("buildings/<int:pk>/edit/", buildings.building_edit, name="building_edit"),
    path("assets/", assets.asset_list, name="asset_list"),
    path("assets/add/", assets.asset_add, name="asset_add"),
    path("assets/export/", assets.asset_export, name="asset_export"),
    path("assets/<int:pk>/", assets.asset_detail, name="asset_detail"),
    path("assets/<int:pk>/edit/", assets.asset_edit, name="asset_edit"),
    path("finance/", finance.finance_list, name="finance_list"),
    path("finance/add/", finance.finance_add, name="finance_add"),
    path("finance/export/", finance.finance_export, name="finance_export"),
    path("finance/<int:pk>/", finance.finance_detail, name="finance_detail"),
    # Edited by unit (pk: the unit's id) and year.
    path("finance/unit/<int:pk>/<int:year>/", finance.finance_edit, name="finance_edit"),
    path("schools/", schools.school_list, name="school_list"),
    path("schools/<int:pk>/", schools.school_profile, name="school_profile"),
    path("schools/<int:pk>/edit/", schools.school_profile_edit, name="school_profile_edit"),
]
