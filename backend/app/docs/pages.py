"""The interactive documentation, served by the service itself: Swagger UI at /docs, ReDoc at /redoc, `/` → /docs.

FastAPI's own pages load Swagger UI and ReDoc from a CDN, so on a machine that cannot reach it /docs is a blank page.
`fastapi-offline` (a maintained package, pinned and hash-checked like every dependency) ships the same assets and
serves them from the app; its factory builds the FastAPI object with those pages instead of FastAPI's.
"""

from typing import Any

from fastapi import APIRouter, FastAPI, Request
from fastapi.openapi.docs import get_redoc_html
from fastapi.responses import HTMLResponse, RedirectResponse
from fastapi_offline import FastAPIOffline

DOCS_PATH = "/docs"
ASSETS_PATH = "/docs-assets"

# Swagger UI: show how long each "Try it out" request took, and keep the models section readable.
_SWAGGER_UI_PARAMETERS = {"displayRequestDuration": True, "defaultModelsExpandDepth": 2}

router = APIRouter(include_in_schema=False)


@router.get("/")
async def home(request: Request) -> RedirectResponse:
    """A browser opening the service's address lands on its documentation, not on a 404."""
    return RedirectResponse(f"{request.scope.get('root_path', '')}{DOCS_PATH}", status_code=307)


@router.get("/redoc")
async def redoc(request: Request) -> HTMLResponse:
    """ReDoc, from the packaged script. Its footer's logo is an image on ReDoc's CDN: the page's Content-Security-Policy
    keeps images to this origin, so a browser never asks any other host for anything."""
    root = request.scope.get("root_path", "")
    page = get_redoc_html(
        openapi_url=f"{root}{request.app.openapi_url}",
        title=f"{request.app.title} - ReDoc",
        redoc_js_url=f"{root}{ASSETS_PATH}/redoc.standalone.js",
        redoc_favicon_url=f"{root}{ASSETS_PATH}/favicon.png",
        with_google_fonts=False,
    )
    page.headers["Content-Security-Policy"] = "img-src 'self' data:; frame-ancestors 'none'"  # as app.http.hardening's
    return page


def documented_app(**kwargs: Any) -> FastAPI:
    """A FastAPI app whose /docs and /redoc use the packaged assets (served under ASSETS_PATH)."""
    app = FastAPIOffline(
        docs_url=DOCS_PATH,
        redoc_url=None,  # ours, above
        static_url=ASSETS_PATH,
        swagger_ui_parameters=_SWAGGER_UI_PARAMETERS,
        **kwargs,
    )
    app.include_router(router)
    return app
