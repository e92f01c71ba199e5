"""Contract fuzzing: schemathesis generates requests from the app's own /openapi.json and checks every answer
against it (status codes, content types, headers, body schemas, negative data rejected, auth not ignored ...).

It runs against the live server of the suite, as one real user with a real signed token, and mostly on that user's
own path and tasks, so the handlers and the database answer rather than the 403 of a foreign path.
FUZZ_EXAMPLES sets the examples per operation (CI default below); the totals are printed (`pytest -s`).
"""

import itertools
import os
import re
import secrets
import time
from collections import Counter
from collections.abc import Iterator
from typing import Any

import httpx
import pytest
import schemathesis
from hypothesis import HealthCheck, settings
from hypothesis import strategies as st

from app.main import create_app
from app.tasks.idempotency import KEY_PATTERN
from tests.helpers import bearer, make_settings, make_token

req = pytest.mark.req

FUZZ_EXAMPLES = int(os.environ.get("FUZZ_EXAMPLES", "320"))  # per operation: ~2,000 cases over the 8 operations
FUZZ_USER = f"fuzz_{secrets.token_hex(6)}"
POOL: list[int] = []  # the fuzz user's task ids, made by the `live` fixture
GENERATED: Counter[str] = Counter()  # operation → cases sent
STATUSES: Counter[int] = Counter()
_FRESH = itertools.count()  # status → answers, to show most cases reach the handlers

# The app's own document, built without a database (the engine connects lazily). Loaded eagerly because
# schemathesis 4.32's lazy `from_fixture` loader fails under pytest 9.2 (it writes Node._nodeid, which is gone);
# test_the_document_fuzzed_is_the_one_served proves it is byte-for-byte what the live server publishes.
DOCUMENT = create_app(make_settings("postgresql://fuzz@127.0.0.1:9/unused")).openapi()
schema = schemathesis.openapi.from_dict(DOCUMENT)
# The Authorization header is ours (a real token, below), not generated: most negative cases would otherwise be
# spent on a mangled header (401). Missing auth is still checked on every operation (schemathesis's
# `ignored_auth` check), and tests/test_token_attacks.py attacks the header in depth.
schema.config.generation.update(with_security_parameters=False)
# A schema-valid If-Match that names no current version is refused by design (412): the contract's "precondition
# failed", not a rejection of valid data. tests/test_etags.py holds every If-Match rule.
_acceptance = schema.config.checks.positive_data_acceptance
_acceptance.expected_statuses = [*_acceptance.expected_statuses, "412"]


def _is_task_id(value: object) -> bool:
    return isinstance(value, int) and not isinstance(value, bool) and 1 <= value < 2**63


@schema.hook
def flatmap_path_parameters(context: schemathesis.HookContext, path_parameters: dict[str, Any]) -> Any:
    """Nine cases in ten on the fuzz user's own path, and most ids one of the user's tasks; the rest keep the
    generated values (a foreign path is a 403, a valid but unknown id a 404). An id the document forbids (`abc`,
    0, past int64) is kept as drawn: swapping it for a real one would turn a negative case into a positive one."""
    if not path_parameters or "user_id" not in path_parameters:
        return st.just(path_parameters)
    user = st.sampled_from([FUZZ_USER] * 9 + [path_parameters["user_id"]])
    if "id" not in path_parameters or not _is_task_id(path_parameters["id"]):
        return user.map(lambda owner: path_parameters | {"user_id": owner})
    # Drawn by index when the case is made: the pool is filled by the fixture, after this module is imported.
    task = st.integers(0, 9).flatmap(
        lambda n: st.integers(0, len(POOL) - 1).map(lambda i: POOL[i]) if n else st.just(path_parameters["id"])
    )
    return st.tuples(user, task).map(lambda pair: path_parameters | {"user_id": pair[0], "id": pair[1]})


@schema.auth(refresh_interval=60)
class FuzzUserToken:
    """A real signed token for the fuzz user on every case (schemathesis's `ignored_auth` check also tries none)."""

    def get(self, case: schemathesis.Case[Any], context: schemathesis.AuthContext) -> str:
        return make_token(FUZZ_USER)

    def set(self, case: schemathesis.Case[Any], data: str, context: schemathesis.AuthContext) -> None:
        case.headers["Authorization"] = f"Bearer {data}"


@pytest.fixture(scope="module")
def live(client: httpx.Client) -> Iterator[str]:
    """The suite's live server, with 40 tasks of the fuzz user to aim at (deletes use some up: then a 404)."""
    auth = bearer(make_token(FUZZ_USER))
    POOL[:] = [
        client.post(f"/api/{FUZZ_USER}/tasks", json={"title": f"fuzz {n}"}, headers=auth).json()["id"]
        for n in range(40)
    ]
    started = time.monotonic()
    yield str(client.base_url)
    print(f"\ncontract fuzz: {sum(GENERATED.values())} cases in {time.monotonic() - started:.1f} s: {dict(GENERATED)}")
    print(f"contract fuzz: answers by status: {dict(sorted(STATUSES.items()))}")


@req("FR-001")
def test_the_document_fuzzed_is_the_one_served(client: httpx.Client) -> None:
    assert client.get("/openapi.json").json() == DOCUMENT


@req("SEC-4", "FR-001", "FR-013", "FR-014", "C-ERR-1", "C-ERR-2", "SC-001")
@schema.parametrize()
@settings(
    max_examples=FUZZ_EXAMPLES,
    deadline=None,
    database=None,  # no .hypothesis/ folder: every run explores afresh
    suppress_health_check=list(HealthCheck),
)
def test_every_answer_matches_the_openapi_document(live: str, case: schemathesis.Case[Any]) -> None:
    GENERATED[case.operation.label] += 1
    key = case.headers.get("Idempotency-Key") if case.headers else None
    if key is not None and re.fullmatch(KEY_PATTERN, key):
        # Generated keys repeat across cases with other bodies, which is a 422 by design (the "positive data"
        # check would call it a refusal); tests/test_idempotency.py covers reuse. Malformed keys stay as drawn.
        case.headers["Idempotency-Key"] = f"{key[:200]}~{next(_FRESH)}"
    response = case.call_and_validate(base_url=live)
    STATUSES[response.status_code] += 1
