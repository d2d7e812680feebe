from django.urls import include, path
from django.views.generic import RedirectView

from omni_privacy.api.main import api

urlpatterns = [
    path("", RedirectView.as_view(pattern_name="console:registry", permanent=False)),
    path("i18n/", include("django.conf.urls.i18n")),
    path("console/", include("omni_privacy.console.urls")),
    path("api/", api.urls),
]
