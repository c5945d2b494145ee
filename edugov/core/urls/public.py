from django.urls import path

from edugov.core.views import public

urlpatterns = [
    path("", public.home, name="home"),
]
