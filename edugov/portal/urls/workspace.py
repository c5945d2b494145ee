"""Staff pages of the portal (namespace ``portal``): sites, cases, disclosure."""

app_name = "portal"

urlpatterns: list = []
