"""Versions of tasks as HTTP validators (RFC 9110 §8.8.3, §13.1): the ETag of a task and of a list, and the
If-Match / If-None-Match headers read into what a statement can check.

A task's ETag is `"<id>.<version>"` (app.tasks.models.etag_of, also its `etag` field): `version` is raised by
every statement that changes the task (migration 0004) and stays when nothing changed, so the tag is strong.
A list's ETag is a digest of its body, which carries every task's etag: it changes when any task is created,
changed or deleted.
"""

import hashlib
import re
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Annotated

from fastapi import Depends, Request

from app.core.errors import ApiError

# One entity-tag, then optional whitespace. Hand-written because neither Starlette nor FastAPI parses these headers,
# and a tag may itself contain a comma (`"a,b"`), so splitting on commas would be wrong.
_ENTITY_TAG = re.compile(r'[ \t]*(W/)?("[\x21\x23-\x7e\x80-\xff]*")[ \t]*')
# What parse() accepts, as one regular expression: the headers' `pattern` in the OpenAPI document (app.docs.openapi),
# so generated clients and the contract fuzzer know the grammar. `*` alone, or entity-tags separated by commas
# (empty elements allowed, RFC 9110 §5.6.1).
_TAG = r'(?:W/)?"[\x21\x23-\x7e\x80-\xff]*"'
HEADER_PATTERN = rf"^(?:[ \t]*\*[ \t]*|[ \t,]*(?:{_TAG}[ \t]*(?:,[ \t,]*{_TAG}[ \t]*)*)?[ \t,]*)$"


def list_etag(body: bytes) -> str:
    return f'"list.{hashlib.blake2b(body, digest_size=12).hexdigest()}"'


@dataclass(frozen=True)
class Condition:
    """An If-Match or If-None-Match header as sent: `*`, or entity-tags (weak ones flagged), or nothing usable."""

    any: bool = False
    tags: tuple[tuple[bool, str], ...] = ()  # (weak, "quoted-tag")

    def matches_weakly(self, etag: str) -> bool:
        """If-None-Match's comparison: W/"x" and "x" are the same version."""
        return self.any or any(tag == etag for _, tag in self.tags)

    def versions_of(self, task_id: int) -> list[int] | None:
        """If-Match's strong comparison, as the versions of task `task_id` it accepts; None for `*` (any version).
        A weak tag, another task's tag or a malformed header accept none."""
        if self.any:
            return None
        prefix = f'"{task_id}.'
        found = [tag[len(prefix) : -1] for weak, tag in self.tags if not weak and tag.startswith(prefix)]
        return [int(version) for version in found if version.isascii() and version.isdigit() and len(version) < 19]


def parse(values: Sequence[str], name: str = "If-Match") -> Condition | None:
    """Every line of the header as one list (RFC 9110 §5.3); None when absent. A malformed value is a 400: it
    was once a condition no version meets, which answered `If-Match: nonsense` with 412 "has changed since you
    read it", blaming the data for the client's mistake."""
    if not values:
        return None
    text = ",".join(values)
    if text.strip(" \t") == "*":
        return Condition(any=True)
    tags: list[tuple[bool, str]] = []
    position = 0
    while position < len(text):
        if text[position] in " \t,":  # empty list elements are allowed
            position += 1
            continue
        match = _ENTITY_TAG.match(text, position)
        if match is None or (match.end() < len(text) and text[match.end()] != ","):
            raise ApiError(
                400,
                f'The {name} header is not `*` or a list of entity-tags such as "17.3" (quotes included), '
                'separated by commas; a weak tag is written W/"17.3".',
                code="invalid_header",
            )
        tags.append((match[1] is not None, match[2]))
        position = match.end()
    return Condition(tags=tuple(tags))


# The two headers as the OpenAPI document states them (app.docs.openapi.documents_header puts them on the routes
# that read them). The dependencies below read every line of a header from the request, which a declared `Header`
# parameter cannot (it holds one value), and a declared parameter would cost FastAPI's validation on every
# request as well (docs/performance.md).
IF_MATCH = {
    "name": "If-Match",
    "pattern": HEADER_PATTERN,
    "description": "Change only if the task's current ETag is one of these (or `*`: if it exists); otherwise 412 "
    "with the current ETag, and nothing changes.",
}
IF_NONE_MATCH = {
    "name": "If-None-Match",
    "pattern": HEADER_PATTERN,
    "description": "Answer 304 (no body) when the current ETag is one of these (weak comparison), or `*`.",
}


async def _if_match(request: Request) -> Condition | None:
    return parse(request.headers.getlist("if-match"), "If-Match")


async def _if_none_match(request: Request) -> Condition | None:
    return parse(request.headers.getlist("if-none-match"), "If-None-Match")


IfMatchDep = Annotated[Condition | None, Depends(_if_match)]
IfNoneMatchDep = Annotated[Condition | None, Depends(_if_none_match)]
