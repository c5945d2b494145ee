from django.urls import path

from edugov.core.urls import audit, calendar, codes
from edugov.core.views import accounts, grants, organizations, tokens, workspace

urlpatterns = [
    path("", workspace.home, name="home"),
    path("todos/", workspace.todos, name="todos"),
    path("switch-unit/", workspace.switch_unit, name="switch_unit"),
    path("units/", organizations.org_list, name="org_list"),
    path("units/<int:pk>/", organizations.org_detail, name="org_detail"),
    path("units/<int:pk>/add/", organizations.org_create, name="org_create"),
    path("units/<int:pk>/edit/", organizations.org_edit, name="org_edit"),
    path("units/<int:pk>/close/", organizations.org_close, name="org_close"),
    path("accounts/", accounts.user_list, name="user_list"),
    path("accounts/new/", accounts.user_create, name="user_create"),
    path("accounts/<int:pk>/", accounts.user_detail, name="user_detail"),
    path("accounts/<int:pk>/personal-data/", accounts.user_reveal, name="user_reveal"),
    path("accounts/<int:pk>/reset-password/", accounts.user_reset_password, name="user_reset_password"),
    path("accounts/<int:pk>/active/", accounts.user_set_active, name="user_set_active"),
    path("grants/", grants.grant_list, name="grant_list"),
    path("grants/new/", grants.grant_create, name="grant_create"),
    path("grants/<int:pk>/revoke/", grants.grant_revoke, name="grant_revoke"),
    path("roles/", grants.role_list, name="role_list"),
    path("roles/new/", grants.role_edit, name="role_create"),
    path("roles/<int:pk>/", grants.role_edit, name="role_edit"),
    path("api-tokens/", tokens.token_list, name="token_list"),
    path("api-tokens/<int:pk>/revoke/", tokens.token_revoke, name="token_revoke"),
    *calendar.urlpatterns,
    *audit.urlpatterns,
    *codes.urlpatterns,
]
