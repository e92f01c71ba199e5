"""Pydantic's validation errors as the entries of a 400's `errors`: the field, a stable code and a short message a
client developer can act on (pydantic's own messages describe its internals)."""

from typing import Any, Literal, get_args

FieldCode = Literal[
    "required",
    "empty",
    "too_long",
    "wrong_type",
    "not_null",
    "invalid_characters",
    "not_an_object",
    "invalid_json",
    "no_fields",
    "invalid",
]
FIELD_CODES: tuple[str, ...] = get_args(FieldCode)

_BY_TYPE: dict[str, tuple[FieldCode, str]] = {
    "missing": ("required", "is required"),
    "string_too_short": ("empty", "must not be empty"),
    "string_type": ("wrong_type", "must be a string"),
    "string_unicode": ("invalid_characters", "must be valid Unicode text"),
    "bool_type": ("wrong_type", "must be true or false"),
    "bool_parsing": ("wrong_type", "must be true or false"),
    "dict_type": ("not_an_object", "must be a JSON object"),
    "model_type": ("not_an_object", "must be a JSON object"),
    "model_attributes_type": ("not_an_object", "must be a JSON object"),
    "json_invalid": ("invalid_json", "is not valid JSON"),
    "json_type": ("not_an_object", "must be a JSON object"),
    "string_pattern_mismatch": (
        "invalid_characters",
        "may hold only printable ASCII characters (no spaces or control characters)",
    ),
}


class InvalidFieldError(ValueError):
    """Raised by a model's own validator, with the code to report (app.tasks.models)."""

    def __init__(self, code: FieldCode, message: str) -> None:
        super().__init__(message)
        self.code = code


def field_error(error: Any) -> dict[str, str]:
    """One pydantic error as `{"field", "code", "message"}`."""
    # loc is ("body", "title"), ("body",), ("body", <char offset>) for malformed JSON, or ("header", name).
    names = [str(part) for part in error["loc"][1:] if isinstance(part, str)]
    field = ".".join(names) or str(error["loc"][0])
    kind = error["type"]
    ctx = error.get("ctx") or {}
    code: FieldCode
    if kind == "string_too_long":
        code, message = "too_long", f"must be at most {ctx.get('max_length')} characters"
    elif kind == "value_error" and isinstance(ctx.get("error"), InvalidFieldError):
        code, message = ctx["error"].code, str(ctx["error"])
    elif kind == "value_error":
        code, message = "invalid", str(ctx.get("error", error["msg"]))
    else:
        code, message = _BY_TYPE.get(kind, ("invalid", error["msg"]))
    return {"field": field, "code": code, "message": message}
