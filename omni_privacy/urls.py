from django.urls import include, path

from omni_privacy.api.main import api
from omni_privacy.ops import health

urlpatterns = [
    path("console/", include("omni_privacy.console.urls")),
    path("api/", api.urls),
    path("drp/", include("omni_privacy.drp.urls")),
    # The demo customer instance's export (404 unless OMNI_DEMO: demo/views.py).
    path("demo/", include("omni_privacy.demo.urls")),
    path("healthz", health.healthz, name="healthz"),
    path("metrics", health.metrics, name="metrics"),
    path("", include("omni_privacy.portal.urls")),
]

# Friendly error pages in the reader's language, with a way back (issue 14 point 1); a locked
# or unreachable database answers a translated 503, not a 500 (core/views.py).
handler400 = "omni_privacy.portal.home_views.bad_request"
handler403 = "omni_privacy.portal.home_views.forbidden"
handler404 = "omni_privacy.portal.home_views.not_found"
handler500 = "omni_privacy.portal.home_views.server_error"
