"""Contract fuzzing (schemathesis): thousands of generated requests against the service's own OpenAPI document,
over real HTTP, with a real token. Every response must be documented: status, content type, headers and body
schema; no 5xx. The budget is FUZZ_EXAMPLES per operation at most (default 350: over 2,000 cases in all;
the health routes have few distinct inputs)."""

import os
from collections import Counter

import httpx
import pytest
import schemathesis
from hypothesis import HealthCheck, given, settings

from tests.conftest import bearer, make_token

req = pytest.mark.req

FUZZ_USER = "fuzz-user"
EXAMPLES = int(os.environ.get("FUZZ_EXAMPLES", "350"))


@req("C-ERR-1", "C-ERR-2", "FR-013", "SEC-4")
def test_every_response_matches_the_published_contract(client: httpx.Client) -> None:
    schema = schemathesis.openapi.from_url(f"{client.base_url}/openapi.json")
    headers = bearer(make_token(FUZZ_USER))
    cases: Counter[str] = Counter()
    statuses: Counter[int] = Counter()

    for result in schema.get_all_operations():
        operation = result.ok()  # type: ignore[union-attr]  # an Err would raise here: the document is invalid

        @given(case=operation.as_strategy())
        @settings(max_examples=EXAMPLES, deadline=None, suppress_health_check=list(HealthCheck), database=None)
        def check(case: schemathesis.Case) -> None:  # type: ignore[type-arg]
            if "user_id" in (case.path_parameters or {}):
                case.path_parameters["user_id"] = FUZZ_USER  # the token's own user: requests reach the handlers
            response = case.call_and_validate(base_url=str(client.base_url), headers=headers)
            cases[case.operation.label] += 1
            statuses[response.status_code] += 1

        check()

    print(f"\ncontract fuzzing: {sum(cases.values())} cases, statuses {dict(sorted(statuses.items()))}")
    assert sum(cases.values()) >= (2000 if EXAMPLES >= 350 else 6 * EXAMPLES)
    assert all(status < 500 for status in statuses)
