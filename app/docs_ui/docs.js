// Swagger UI on this API's own OpenAPI document (no inline script: the page's CSP forbids it).
window.ui = SwaggerUIBundle({
  url: "/api/openapi.json",
  dom_id: "#swagger-ui",
  deepLinking: true,
  presets: [SwaggerUIBundle.presets.apis],
});
