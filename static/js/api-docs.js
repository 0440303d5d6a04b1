// Starts the API explorer on /docs. A file rather than an inline script, so the page keeps the
// same Content-Security-Policy as every other (script-src 'self').
const mount = document.getElementById("swagger-ui");
window.SwaggerUIBundle({
  url: mount.dataset.openapiUrl,
  domNode: mount,
  deepLinking: true,
});
