from django.contrib import admin
from django.urls import include, path
from django.views.i18n import JavaScriptCatalog

from core.views import health, liveness

urlpatterns = [
    path("health/", health, name="health"),
    path("health/live/", liveness, name="health-live"),
    path("i18n/", include("django.conf.urls.i18n")),
    path("jsi18n/", JavaScriptCatalog.as_view(), name="javascript-catalog"),
    path("admin/", admin.site.urls),
    path("accounts/", include("accounts.urls")),
    path("", include("applications.urls")),
    path("reviews/", include("reviews.urls")),
    path("", include("committee.urls")),
    path("", include("core.urls")),
]
