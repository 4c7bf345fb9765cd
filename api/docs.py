"""The API's documentation, served by Hearth: Swagger UI from the drf-spectacular-sidecar
wheel (static files, no CDN), its start-up script a separate file, its one style tag with
the page's CSP nonce."""

from drf_spectacular.views import SpectacularSwaggerSplitView


class SwaggerView(SpectacularSwaggerSplitView):
    template_name = "api/swagger_ui.html"
    url_name = "api_v1:schema"
