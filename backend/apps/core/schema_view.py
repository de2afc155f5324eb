"""The schema endpoint. Apart from apps.core.schema, which DRF imports (as DEFAULT_SCHEMA_CLASS) before any view."""
from drf_spectacular.views import SpectacularAPIView

from .exceptions import ApplicationError


class SchemaView(SpectacularAPIView):
    """GET /api/v1/schema/: YAML by default; JSON with `?format=json` (or `Accept: application/json`).

    DRF's `?format=` override is off (URL_FORMAT_OVERRIDE: None, because `?format=` names export formats), so this
    view reads it itself.
    """

    FORMATS = {"json": "application/json", "yaml": "application/yaml"}

    def perform_content_negotiation(self, request, force=False):
        fmt = request.query_params.get("format")
        if fmt is None:
            return super().perform_content_negotiation(request, force)
        if fmt not in self.FORMATS:
            if force:  # rendering the error itself: as JSON, like every other error
                fmt = "json"
            else:
                raise ApplicationError("format must be json or yaml.")
        renderer = next(r for r in self.get_renderers() if r.media_type == self.FORMATS[fmt])
        return renderer, renderer.media_type
