"""The documentation a newcomer opens first: /docs and /redoc work with no network beyond the service, in a real
Chromium; every route can be run from Swagger UI with a token; the examples make sensible requests."""

import os
import shutil
from collections.abc import Iterator
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import httpx
import pytest

from app.main import create_app
from app.ops.startup import BACKEND_DIR
from tests.helpers import free_port, make_settings, make_token, serve

req = pytest.mark.req

SCREENSHOTS = BACKEND_DIR.parent / "out" / "docs"


def _chromium() -> str | None:
    for candidate in (os.environ.get("CHROMIUM_PATH"), "/usr/bin/chromium", shutil.which("chromium")):
        if candidate and Path(candidate).exists():
            return candidate
    return None


@pytest.fixture(scope="module")
def docs_client(app_database_url: str) -> Iterator[httpx.Client]:
    """The service with PUBLIC_URL set to where it listens, as `todo-api run` sets it: Swagger UI sends "Try it out"
    to the document's server."""
    port = free_port()
    app = create_app(make_settings(app_database_url, public_url=f"http://127.0.0.1:{port}"))
    with serve(app, port) as base_url, httpx.Client(base_url=base_url, timeout=10) as http:
        yield http


@pytest.fixture(scope="module")
def browser() -> Iterator[Any]:
    """The machine's Chromium, driven by Playwright (which never downloads a browser here)."""
    executable = _chromium()
    if executable is None:
        if os.environ.get("CI"):
            pytest.fail("Chromium is needed for the documentation tests (set CHROMIUM_PATH)")
        pytest.skip("no Chromium (Debian: apt-get install chromium; or set CHROMIUM_PATH)")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(executable_path=executable)
        yield chromium
        chromium.close()


@pytest.fixture
def offline_page(browser: Any) -> Iterator[tuple[Any, list[str]]]:
    """A page that can reach only the service on 127.0.0.1: anything else is blocked, and recorded."""
    context = browser.new_context(viewport={"width": 1280, "height": 1000})
    outside: list[str] = []

    def only_loopback(route: Any) -> None:
        if urlsplit(route.request.url).hostname == "127.0.0.1":
            route.continue_()
        else:
            outside.append(route.request.url)
            route.abort()

    context.route("**/*", only_loopback)
    context.set_default_timeout(15_000)
    yield context.new_page(), outside
    context.close()


def _execute(page: Any, method: str, path: str, params: dict[str, str]) -> tuple[int, str]:
    """Open one operation, press "Try it out", fill the path parameters, keep the pre-filled body, press Execute."""
    block = page.locator(f".opblock-{method}").filter(has=page.locator(f'.opblock-summary-path[data-path="{path}"]'))
    block.locator(".opblock-summary").click()
    try_it = block.locator("button.try-out__btn")
    if "Try it out" in try_it.inner_text():  # not when the operation was tried before: it stays in that mode
        try_it.click()
    for name, value in params.items():
        block.locator(f'tr[data-param-name="{name}"] input').fill(value)
    block.get_by_role("button", name="Execute").click()
    status = block.locator(".live-responses-table tbody .response-col_status").first
    status.wait_for()
    body = block.locator(".live-responses-table tbody .response-col_description").first.inner_text()
    result = int(status.inner_text().strip()), body
    block.locator(".opblock-summary").click()  # close it again, so the page stays short
    return result


@req("DX-1", "DX-2", "FR-001")
def test_swagger_ui_works_offline_and_runs_every_route(
    docs_client: httpx.Client, offline_page: tuple[Any, list[str]], user: str
) -> None:
    client = docs_client
    page, outside = offline_page
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    page.goto(f"{client.base_url}/docs")
    page.wait_for_selector(".opblock")
    assert page.locator(".info .title").inner_text().startswith("Todo API")
    page.screenshot(path=str(SCREENSHOTS / "swagger.png"))

    page.get_by_role("button", name="Authorize").first.click()
    page.locator(".modal-ux input").fill(make_token(user))
    page.locator(".modal-ux button.authorize").click()
    page.locator(".modal-ux button.btn-done").click()

    tasks, task = "/api/{user_id}/tasks", "/api/{user_id}/tasks/{id}"
    status, body = _execute(page, "post", tasks, {"user_id": user})
    assert status == 201, body
    assert '"title": "Buy milk"' in body  # the pre-filled example, not text generated from the title's pattern
    task_id = str(httpx.get(f"{client.base_url}{tasks.format(user_id=user)}", headers=_bearer(user)).json()[0]["id"])
    ids = {"user_id": user, "id": task_id}

    assert _execute(page, "get", tasks, {"user_id": user})[0] == 200
    assert _execute(page, "get", task, ids)[0] == 200
    status, body = _execute(page, "put", task, ids)
    assert (status, '"title": "Buy oat milk"' in body) == (200, True)
    status, body = _execute(page, "patch", f"{task}/complete", ids)
    assert (status, '"completed": true' in body) == (200, True)
    page.screenshot(path=str(SCREENSHOTS / "swagger-executed.png"), full_page=True)
    assert _execute(page, "delete", task, ids)[0] == 200
    assert _execute(page, "get", task, ids)[0] == 404
    assert _execute(page, "get", "/health", {})[0] == 200
    assert _execute(page, "get", "/health/ready", {})[0] == 200

    assert outside == []  # nothing was asked of any other host (a CDN would have been)


@req("DX-1")
def test_redoc_works_offline(client: httpx.Client, offline_page: tuple[Any, list[str]]) -> None:
    page, outside = offline_page
    page.goto(f"{client.base_url}/redoc")
    page.get_by_role("heading", name="Create a task").first.wait_for()
    page.screenshot(path=str(SCREENSHOTS / "redoc.png"))
    assert outside == []


@req("DX-1")
def test_the_root_leads_to_the_docs(client: httpx.Client) -> None:
    response = client.get("/")
    assert response.status_code == 307
    assert response.headers["Location"] == "/docs"
    docs = client.get("/docs")
    assert "cdn" not in docs.text.lower()  # every asset from the service itself
    for asset in ("swagger-ui-bundle.js", "swagger-ui.css"):
        assert f"/docs-assets/{asset}" in docs.text
        assert client.get(f"/docs-assets/{asset}").status_code == 200


@req("DX-2")
def test_every_body_and_response_has_an_example(client: httpx.Client) -> None:
    spec = client.get("/openapi.json").json()
    schemas = spec["components"]["schemas"]
    for path, operations in spec["paths"].items():
        for method, operation in operations.items():
            if "requestBody" in operation:
                assert _has_example(schemas, operation["requestBody"]["content"]["application/json"]), (method, path)
            for status, response in operation["responses"].items():
                for media, content in response.get("content", {}).items():
                    assert _has_example(schemas, content), (method, path, status, media)


def _has_example(schemas: dict[str, Any], content: dict[str, Any]) -> bool:
    """On the media type (`example`, named `examples`), or on the schema it refers to."""
    if content.get("example") is not None or content.get("examples"):
        return True
    ref = content["schema"].get("$ref", "")
    return bool(ref) and bool(schemas[ref.rsplit("/", 1)[1]].get("examples"))


def _bearer(user: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {make_token(user)}"}
