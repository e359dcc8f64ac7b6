// Swagger UI for /api/docs, from the files of the installed swagger-ui-bundle package: the
// OpenAPI document named by the page, no validator badge (it would send the document to
// swagger.io), no top bar (it loads documents from other addresses).
"use strict";
(function () {
  var root = document.getElementById("swagger-ui");
  if (!root || typeof window.SwaggerUIBundle !== "function") {
    return;
  }
  window.ui = window.SwaggerUIBundle({
    url: root.getAttribute("data-openapi"),
    dom_id: "#swagger-ui",
    deepLinking: true,
    validatorUrl: null,
    presets: [window.SwaggerUIBundle.presets.apis],
    layout: "BaseLayout",
  });
})();
