"""Bearer-token verification (HS256 shared secret, or JWKS keys) → the caller's user id.

Knows nothing of the database: it turns an Authorization header into a verified user id, or a 401/403.
"""

import re
import threading
import time
from typing import Annotated, Any

import jwt
from fastapi import Depends, Path, Request
from fastapi.concurrency import run_in_threadpool

from app.core.errors import ApiError, ProblemCode
from app.core.jwks import KeySet, KeysUnavailableError, UnknownKeyError
from app.core.settings import Settings

USER_ID_MAX = 255  # the longest user id a token may carry (the `tasks.user_id` column checks it too)

# Compact JWS: three base64url segments. Anything else (spaces, two tokens, junk) is refused before parsing.
_COMPACT_JWS = re.compile(r"[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]*")
MAX_TOKEN_LENGTH = 8192
# The user ids this API serves: what a URL path segment carries without percent-encoding (RFC 3986 unreserved, and
# `@ : +`), as Better Auth's (32 letters and digits) are. Anything else, e.g. non-ASCII (a `Location` header
# cannot carry it: a 500 after the task was stored), control characters, `/`, `%` or spaces, is a 401.
_USER_ID = re.compile(rf"[A-Za-z0-9._~@:+-]{{1,{USER_ID_MAX}}}")
LATEST_NUMERIC_DATE = 253402300799  # 9999-12-31T23:59:59Z
# Verified tokens are remembered (token → user id) so a client's repeated requests skip the signature check, the
# costliest step of a request after the database call. Bounded, and never past the token's own expiry.
VERIFIED_CACHE_SIZE = 4096

# Which algorithms a JWKS key of each type may verify: the token's own `alg` is never trusted on its own.
_ALGORITHMS_BY_KEY = {
    "OKP": ["EdDSA"],
    "EC": ["ES256", "ES384", "ES512"],
    "RSA": ["RS256", "RS384", "RS512", "PS256", "PS384", "PS512"],
}


def _unauthorized(detail: str, *, token_sent: bool = True, code: ProblemCode = "token_invalid") -> ApiError:
    # RFC 6750 forbids double quotes and backslashes inside error_description.
    description = detail.replace('"', "'").replace("\\", "/")
    challenge = f'Bearer error="invalid_token", error_description="{description}"' if token_sent else "Bearer"
    return ApiError(401, detail, headers={"WWW-Authenticate": challenge}, code=code if token_sent else "token_missing")


def _reason(error: jwt.InvalidTokenError) -> str:
    """Why a token was refused, for the API's users. PyJWT's own messages describe its internals (e.g. "'utf-8'
    codec can't decode byte 0xb7"), which say nothing useful to a client and something to an attacker."""
    if isinstance(error, jwt.InvalidSignatureError):
        return "The token's signature does not verify: it was signed with another secret or key, or altered."
    if isinstance(error, jwt.InvalidAlgorithmError):
        return "The token is signed with an algorithm this API does not accept for its keys."
    if isinstance(error, jwt.MissingRequiredClaimError):
        return f"The token has no {error.claim} claim."
    if isinstance(error, jwt.InvalidIssuerError):
        return "The token was issued by another issuer (iss)."
    if isinstance(error, jwt.InvalidAudienceError):
        return "The token is meant for another audience (aud)."
    if isinstance(error, jwt.InvalidIssuedAtError):
        return "The token's iat claim is not a valid time."
    if isinstance(error, jwt.DecodeError):
        return "The token cannot be read: it is not a well-formed JWT."
    return "The token is not valid."


class TokenVerifier:
    """Verifies a token with the configured key material; one instance per app."""

    def __init__(self, settings: Settings) -> None:
        self._settings = settings
        self.key_set = (
            KeySet(
                settings.better_auth_jwks_url,
                cache_seconds=settings.jwks_cache_seconds,
                cooldown_seconds=settings.jwks_refetch_cooldown_seconds,
                deadline_seconds=settings.jwks_fetch_timeout_seconds,
                max_bytes=settings.jwks_max_bytes,
            )
            if settings.better_auth_jwks_url
            else None
        )
        self._verified: dict[str, tuple[str, float]] = {}  # token → (user id, monotonic time it stops being valid)
        self._remembering = threading.Lock()

    @property
    def may_block(self) -> bool:
        return self.key_set is not None

    def _key_and_algorithms(self, token: str) -> tuple[Any, list[str]]:
        if self.key_set is None:
            secret = self._settings.better_auth_secret
            assert secret is not None  # guaranteed by Settings validation
            return secret.get_secret_value(), ["HS256"]
        try:
            kid = jwt.get_unverified_header(token).get("kid")
        except jwt.InvalidTokenError as exc:  # unreadable header: a `kid` that is not a string, an unknown `crit`
            raise _unauthorized(_reason(exc)) from exc
        try:
            if kid is None:
                raise UnknownKeyError("no kid")
            # Looks the `kid` up in the published set, fetching it first when it is stale or lacks the key.
            signing_key = self.key_set.key(kid)
        except KeysUnavailableError as exc:
            raise ApiError(
                503,
                "The token signing keys cannot be fetched right now.",
                {"Retry-After": str(exc.retry_after_seconds)},
                code="keys_unavailable",
            ) from exc
        except UnknownKeyError as exc:
            raise _unauthorized("The token was not signed by a known key.") from exc
        allowed = _ALGORITHMS_BY_KEY.get(signing_key.key_type or "", [])
        # A key that names its algorithm (Better Auth's do) verifies only that one.
        declared = signing_key.algorithm_name
        return signing_key.key, [declared] if declared in allowed else allowed

    def remembered(self, token: str) -> str | None:
        """The user id of a token verified before and still valid, without any work; else None."""
        entry = self._verified.get(token)
        return entry[0] if entry is not None and self._now() < entry[1] else None

    def _now(self) -> float:
        # The key set's clock in JWKS mode (the same monotonic clock, unless a test moves it).
        return time.monotonic() if self.key_set is None else self.key_set.clock()

    def user_id(self, token: str) -> str:
        user_id, valid_for = self._verify(token)
        with self._remembering:  # JWKS mode verifies in worker threads
            if len(self._verified) >= VERIFIED_CACHE_SIZE:
                del self._verified[next(iter(self._verified))]  # the oldest entry
            self._verified[token] = (user_id, self._now() + valid_for)
        return user_id

    def _verify(self, token: str) -> tuple[str, float]:
        """Every check on the token; returns its user id and how many seconds it may be remembered."""
        settings = self._settings
        key, algorithms = self._key_and_algorithms(token)
        try:
            claims = jwt.decode(
                token,
                key,
                algorithms=algorithms,
                issuer=settings.jwt_issuer,
                audience=settings.jwt_audience,
                leeway=settings.jwt_leeway_seconds,
                options={"require": ["exp"], "verify_aud": settings.jwt_audience is not None},
            )
        except jwt.ExpiredSignatureError as exc:
            raise _unauthorized("The token has expired.", code="token_expired") from exc
        except jwt.ImmatureSignatureError as exc:
            raise _unauthorized("The token is not valid yet.") from exc
        except jwt.InvalidTokenError as exc:
            raise _unauthorized(_reason(exc)) from exc
        for name in ("exp", "iat", "nbf"):
            # RFC 7519 NumericDate is a JSON number; PyJWT would also accept "9999999999" as a string. Past the
            # year 9999 it is no date: a 400-digit `exp` overflowed the float arithmetic below (a 500).
            value = claims.get(name, 0)
            if isinstance(value, bool) or not isinstance(value, int | float):
                raise _unauthorized(f"The token's {name} claim must be a number.")
            if not -LATEST_NUMERIC_DATE <= value <= LATEST_NUMERIC_DATE:  # NaN fails this too
                raise _unauthorized(f"The token's {name} claim is not a time before the year 10000.")
        user_id = claims.get(settings.jwt_user_id_claim)
        if not isinstance(user_id, str) or not _USER_ID.fullmatch(user_id) or user_id in (".", ".."):
            raise _unauthorized(
                f"The token's {settings.jwt_user_id_claim} claim must be 1-255 characters of letters, digits and "
                ". _ ~ - @ : + (a user id that a URL path carries as it is)."
            )
        # Exactly as long as the checks above would still pass: until `exp` (with the same leeway); with JWKS no
        # longer than the key set that vouched for it stays fresh, so a token of a key withdrawn from the set stops
        # verifying when the key does.
        valid_for = claims["exp"] + settings.jwt_leeway_seconds - time.time()
        if self.key_set is not None:
            valid_for = min(valid_for, self.key_set.fresh_for())
        return user_id, valid_for


async def current_user(request: Request) -> str:
    """The verified user id of the caller. Only the Authorization header is read: never a cookie or query.

    Not FastAPI's HTTPBearer: it would parse the header a second time, less strictly, as one more dependency on
    every request. The scheme is declared in the OpenAPI document instead (app/docs/clients.py)."""
    headers = request.headers.getlist("authorization")
    if not headers:
        raise _unauthorized("An Authorization: Bearer <token> header is required.", token_sent=False)
    if len(headers) > 1:
        raise _unauthorized("Send exactly one Authorization header.")
    scheme, _sep, token = headers[0].partition(" ")
    if scheme.lower() != "bearer":
        raise _unauthorized("The Authorization header must use the Bearer scheme.", token_sent=False)
    if not token.strip():
        raise _unauthorized("The Bearer token is missing.", token_sent=False)
    if len(token) > MAX_TOKEN_LENGTH or not _COMPACT_JWS.fullmatch(token):
        raise _unauthorized("The bearer token is malformed.")
    verifier: TokenVerifier = request.app.state.verifier
    if (user_id := verifier.remembered(token)) is not None:
        return user_id
    if verifier.may_block:  # fetching a key set is network I/O: keep it off the event loop
        return await run_in_threadpool(verifier.user_id, token)
    return verifier.user_id(token)  # HS256: microseconds of CPU, cheaper than a thread hop


CurrentUserDep = Annotated[str, Depends(current_user)]
UserIdPath = Annotated[str, Path(description="The user whose tasks these are: the token's own user id (else 403).")]


async def owned_by_caller(request: Request, user_id: str) -> str:
    """`user_id` (the path's), once the request's token is verified (else 401) and names that user (else 403).
    Called by the route dependencies rather than declared as a sub-dependency of theirs: FastAPI's resolver costs
    about as much per dependency as the rest of a GET's own work (docs/performance.md)."""
    if user_id != await current_user(request):
        raise ApiError(403, "The token does not grant access to this user's tasks.", code="wrong_user")
    return user_id


async def path_owner(user_id: UserIdPath, request: Request) -> str:
    """The `{user_id}` of the path, once it is known to be the caller's own (401, 403)."""
    return await owned_by_caller(request, user_id)


OwnerDep = Annotated[str, Depends(path_owner)]
