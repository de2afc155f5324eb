"""URL map: the versioned REST API under /api/v1/, schema and docs, admin, health, and the web app at /."""
from django.contrib import admin
from django.urls import include, path, re_path
from drf_spectacular.views import SpectacularSwaggerView

from apps.core.health import healthz, readyz
from apps.core.schema_view import SchemaView
from apps.core.spa import api_not_found, spa_index

api_v1 = [
    path("", include("apps.accounts.urls")),
    path("", include("apps.projects.urls")),
    path("", include("apps.items.urls")),
    path("", include("apps.predictions.urls")),
    path("", include("apps.feedback.urls")),
    path("", include("apps.training.urls")),
    path("", include("apps.audit.urls")),
    path("", include("apps.transfer.urls")),
    path("", include("apps.monitoring.urls")),
    path("", include("apps.privacy.urls")),
    path("schema/", SchemaView.as_view(), name="schema"),
    path("docs/", SpectacularSwaggerView.as_view(url_name="schema"), name="swagger-ui"),
]

urlpatterns = [
    path("api/v1/", include(api_v1)),
    re_path(r"^api(?:/|$)", api_not_found),
    path("admin/", admin.site.urls),
    path("healthz", healthz),
    path("readyz", readyz),
    # Last: every other GET is a client-side route of the web app (static files never get here).
    re_path(r"^(?!(?:api|admin|static)(?:/|$)|(?:healthz|readyz)/?$)(?P<path>.*)$", spa_index, name="web-app"),
]
