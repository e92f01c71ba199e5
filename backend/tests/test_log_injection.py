"""Log lines cannot be forged or used to drive a terminal: what a client sends is escaped in every logged value."""

import json
import logging
import time

import httpx
import pytest
from pythonjsonlogger.json import JsonFormatter

from app.http.observability import HumanFormatter

req = pytest.mark.req

# A path that, written raw, ends the line, forges a second one and turns the terminal red.
FORGED = "/x%0A11:59:59%20INFO%20%20%20%20GET%20/api/alice/tasks%20%E2%86%92%20200%1B[31m%C2%9B2J%E2%80%A8"


@req("SEC-13")
def test_a_path_with_control_characters_is_escaped_in_the_human_log_line(
    client: httpx.Client, caplog: pytest.LogCaptureFixture
) -> None:
    with caplog.at_level(logging.INFO, logger="app.access"):
        assert client.get(FORGED).status_code == 404
        record = _access_record(caplog, "/x")
    assert "\n" in record.__dict__["path"]  # what the client sent, decoded: the formatter must not write it raw

    line = HumanFormatter().format(record)
    for raw in ("\n", "\x1b", "\x9b", "\u2028"):
        assert raw not in line
    assert r"GET /x\n11:59:59 INFO    GET /api/alice/tasks → 200\x1b[31m\x9b2J\u2028 → 404 in " in line

    as_json = JsonFormatter("%(message)s").format(record)  # JSON lines escape them by themselves
    assert "\n" not in as_json
    assert "\x1b" not in as_json
    assert json.loads(as_json)["path"] == record.__dict__["path"]


def _access_record(caplog: pytest.LogCaptureFixture, prefix: str) -> logging.LogRecord:
    # The access line is written once the answer has gone out, so it may come a moment after the client has it.
    deadline = time.monotonic() + 10
    while time.monotonic() < deadline:
        for record in caplog.records:
            if record.name == "app.access" and str(record.__dict__.get("path", "")).startswith(prefix):
                return record
        time.sleep(0.01)
    raise AssertionError("no access log line")


@req("SEC-13")
def test_every_value_of_a_human_line_is_escaped_and_ordinary_text_is_kept() -> None:
    record = logging.LogRecord("app.x", logging.WARNING, __file__, 1, "refused %s", ("a\rb",), None)
    record.__dict__["client"] = "evil\x1b]0;title\x07"
    line = HumanFormatter().format(record)
    assert line.endswith(r"WARNING refused a\rb client=evil\x1b]0;title\x07")
    plain = logging.LogRecord("app.x", logging.INFO, __file__, 1, "café → déjà vu\tok", (), None)
    assert HumanFormatter().format(plain).endswith("INFO    café → déjà vu\\tok")
