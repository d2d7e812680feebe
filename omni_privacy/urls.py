from django.urls import include, path
from django.views.generic import RedirectView

from omni_privacy.api.main import api
from omni_privacy.ops import health

urlpatterns = [
    path("", RedirectView.as_view(pattern_name="console:registry", permanent=False)),
    path("console/", include("omni_privacy.console.urls")),
    path("api/", api.urls),
    path("healthz", health.healthz, name="healthz"),
    path("metrics", health.metrics, name="metrics"),
    path("", include("omni_privacy.portal.urls")),
]

# A locked or unreachable database answers a translated 503, not a 500 (core/views.py).
handler500 = "omni_privacy.core.views.handler500"
