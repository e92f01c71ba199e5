"""What the API's users read when a request fails: 401s in their terms (never the JWT library's), and a body sent
without `Content-Type: application/json` named as such (415) instead of "body must be a JSON object"."""

import base64
from collections.abc import Callable

import httpx
import pytest

from tests.helpers import bearer, make_token
from tests.test_token_attacks import HEADER_ATTACKS, VICTIM

req = pytest.mark.req

# Words of PyJWT, Python's codecs and JSON decoder that once reached clients ("'utf-8' codec can't decode byte 0xb7").
INTERNALS = ("codec", "byte", "position", "Expecting", "padding", "segments", "Invalid header", "Traceback", "jwt.")


@req("DX-5", "C-AUTH-6")
@pytest.mark.parametrize(("label", "header"), HEADER_ATTACKS, ids=[label for label, _ in HEADER_ATTACKS])
def test_a_refused_token_is_explained_without_library_internals(
    client: httpx.Client, label: str, header: Callable[[], str]
) -> None:
    response = client.get(f"/api/{VICTIM}/tasks", headers={"Authorization": header()})
    detail = response.json()["detail"]
    assert response.status_code == 401
    assert detail.startswith(("The token", "The bearer token", "The Bearer token", "The Authorization", "An Authoriz"))
    assert not any(word in detail for word in INTERNALS), (label, detail)


@req("DX-5", "C-AUTH-6")
def test_the_garbage_token_of_the_bug_report_reads_plainly(client: httpx.Client) -> None:
    garbage = base64.urlsafe_b64encode(b"\x00\xb7\xff junk").decode().rstrip("=")
    response = client.get(f"/api/{VICTIM}/tasks", headers={"Authorization": f"Bearer {garbage}.{garbage}.{garbage}"})
    assert response.json()["detail"] == "The token cannot be read: it is not a well-formed JWT."
    assert "cannot be read" in response.headers["WWW-Authenticate"]
    wrong_key = make_token(VICTIM, key="another-secret-" + "x" * 40)
    response = client.get(f"/api/{VICTIM}/tasks", headers=bearer(wrong_key))
    assert response.json()["detail"].startswith("The token's signature does not verify")


@req("DX-5", "FR-014")
@pytest.mark.parametrize(
    ("headers", "says"),
    [
        ({}, "this request has no Content-Type"),
        ({"Content-Type": "text/plain"}, "this request says 'text/plain'"),
        ({"Content-Type": "application/x-www-form-urlencoded"}, "application/x-www-form-urlencoded"),  # curl -d
    ],
    ids=["none", "text", "form"],
)
def test_a_json_body_without_a_json_content_type_is_415(
    client: httpx.Client, user: str, auth: dict[str, str], headers: dict[str, str], says: str
) -> None:
    body = b'{"title": "Buy milk"}'
    created = client.post(f"/api/{user}/tasks", content=body, headers=auth | headers)
    assert created.status_code == 415
    assert created.headers["content-type"] == "application/problem+json"
    assert created.json()["detail"].startswith("Send the body as JSON, with the header Content-Type: application/json")
    assert says in created.json()["detail"]
    assert client.get(f"/api/{user}/tasks", headers=auth).json() == []  # nothing was created

    task = client.post(f"/api/{user}/tasks", json={"title": "Buy milk"}, headers=auth).json()
    url = f"/api/{user}/tasks/{task['id']}"
    assert client.put(url, content=b'{"completed": true}', headers=auth | headers).status_code == 415
    assert client.patch(f"{url}/complete", content=b'{"completed": true}', headers=auth | headers).status_code == 415
    toggled = client.patch(f"{url}/complete", headers=auth | headers)  # no body at all: still the toggle
    assert (toggled.status_code, toggled.json()["completed"]) == (200, True)
