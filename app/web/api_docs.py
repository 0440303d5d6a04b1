"""The API explorer at /docs: Swagger UI from the locked npm package, never from a CDN.

FastAPI's own /docs loads its code from a CDN and starts it with an inline script; this page is
blank offline and needs a looser Content-Security-Policy. Ours serves the same explorer from
node_modules (VENDOR_FILES) and starts it from static/js/api-docs.js.
"""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, FastAPI, Request
from fastapi.responses import HTMLResponse

from app.web.api_example_session import summary_example, view_examples
from app.web.deps import SERVICES

router = APIRouter(include_in_schema=False)


@router.get("/docs", response_class=HTMLResponse)
async def api_docs(request: Request, svc: SERVICES) -> HTMLResponse:
    return svc.templates.TemplateResponse(
        request, "api_docs.html", {"openapi_url": request.app.openapi_url}
    )


def install_examples(app: FastAPI) -> None:
    """Put the example views and summary into the finished schema.

    FastAPI writes the schema without None values, examples included (`exclude_none`): an
    example view would lose every field that is null, and no longer be a view.
    """
    generate = app.openapi

    def openapi() -> dict[str, Any]:
        fresh = app.openapi_schema is None
        schema = generate()
        if fresh:
            answers = {
                operation["operationId"]: operation["responses"]
                for by_method in schema["paths"].values()
                for operation in by_method.values()
            }
            views = answers["read_view"]["200"]["content"]["application/json"]
            views["examples"] = view_examples()
            summary = answers["summary_json"]["200"]["content"]["application/json"]
            summary["example"] = summary_example()
        return schema

    app.openapi = openapi  # type: ignore[method-assign]
