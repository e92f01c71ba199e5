# Shared by the scripts: find the repo root and a uv binary, installing a pinned uv locally when none is on PATH.
# Nothing is installed globally: uv goes to .tools/, the backend's packages to backend/.venv/.
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
UV_VERSION="0.13.9"
export UV_PYTHON_DOWNLOADS=never  # use the machine's Python 3.11+; never download an interpreter

ensure_uv() {
  if command -v uv >/dev/null 2>&1; then
    UV="$(command -v uv)"
    return
  fi
  UV="$ROOT/.tools/bin/uv"
  if [ ! -x "$UV" ]; then
    python3 -c 'import sys; sys.exit(sys.version_info < (3, 11))' \
      || { echo "Python 3.11 or newer is needed as python3" >&2; exit 1; }
    echo "Installing uv $UV_VERSION into .tools/ (once)" >&2
    python3 -m venv "$ROOT/.tools"
    "$ROOT/.tools/bin/python" -m pip install --disable-pip-version-check "uv==$UV_VERSION" >&2  # its progress shows
  fi
}

sync_backend() {
  # Installs what backend/<lock> pins (hash-checked), then the project itself (editable), into backend/.venv:
  #   sync_backend run   run.lock: what `todo-api run` needs (runtime, the embedded PostgreSQL, the build backend)
  #   sync_backend       requirements.lock: everything (adds the dev tools, the tests' and the benchmark's packages)
  # Hashed requirement files rather than uv.lock: uv.lock records download addresses. Update them with scripts/lock.
  # Nothing is installed when nothing changed since the last install of that set (a stamp of the lock and
  # pyproject.toml), so starts of a running checkout never reinstall under a running copy; concurrent starts take
  # turns on one file lock, and the ones that waited find the stamp current.
  ensure_uv
  local set="${1:-all}" backend="$ROOT/backend"
  local venv="$backend/.venv" lock="$backend/requirements.lock"
  [ "$set" = run ] && lock="$backend/run.lock"
  local stamp="$venv/.installed-$set" want
  want="$(cat "$lock" "$backend/pyproject.toml" | cksum)"
  [ -f "$stamp" ] && [ "$(cat "$stamp")" = "$want" ] && return
  if command -v flock >/dev/null; then
    exec 9>"$backend/.venv-install.lock"
    flock 9
    if [ -f "$stamp" ] && [ "$(cat "$stamp")" = "$want" ]; then exec 9>&-; return; fi
  fi
  local quiet=(--quiet)
  if [ ! -x "$venv/bin/python" ]; then
    echo "Installing the backend's pinned dependencies ($(basename "$lock")) into backend/.venv (first run: a minute or more)" >&2
    "$UV" venv --quiet "$venv"
    quiet=()
  fi
  "$UV" pip install "${quiet[@]}" --python "$venv/bin/python" --require-hashes -r "$lock"
  "$UV" pip install --quiet --python "$venv/bin/python" --no-deps --no-build-isolation -e "$backend"
  echo "$want" >"$stamp"
  if command -v flock >/dev/null; then exec 9>&-; fi
}

ensure_chromium() {
  # Headless Chromium for the browser tests (never downloaded by Playwright): CHROMIUM_PATH, else Debian's package,
  # installed when running as root. Elsewhere the tests that need it are skipped with the reason (failed under CI).
  CHROMIUM_PATH="${CHROMIUM_PATH:-/usr/bin/chromium}"
  if [ ! -x "$CHROMIUM_PATH" ] && [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null; then
    echo "Installing Chromium (Debian package chromium) for the browser tests" >&2
    apt-get install -y -q chromium >/dev/null 2>&1 || { apt-get update -q >/dev/null && apt-get install -y -q chromium >/dev/null; }
  fi
  export CHROMIUM_PATH
}

dev_settings() {
  # The settings scripts/dev gives the API and the frontend (exported): one secret, the token mode, the frontend's
  # URL, and the API's issuer and audience checks set to that URL (its tokens name it in both modes), so the API
  # accepts no token minted for another service. Without BETTER_AUTH_SECRET, the development secret in $1 (the
  # data folder), created owner-only from the start: umask first, and noclobber so an existing file is never
  # rewritten (nor a link followed into one).
  local data="$1"
  if [ -z "${BETTER_AUTH_SECRET:-}" ]; then
    if [ ! -s "$data/dev-secret" ]; then
      mkdir -p "$data"
      (umask 077 && set -o noclobber && python3 -c 'import secrets; print(secrets.token_urlsafe(48))' >"$data/dev-secret")
    fi
    BETTER_AUTH_SECRET="$(cat "$data/dev-secret")"
  fi
  export BETTER_AUTH_SECRET
  export API_TOKEN_MODE="${API_TOKEN_MODE:-shared-secret}"
  export BETTER_AUTH_URL="${BETTER_AUTH_URL:-http://127.0.0.1:3000}"
  export JWT_ISSUER="${JWT_ISSUER:-$BETTER_AUTH_URL}" JWT_AUDIENCE="${JWT_AUDIENCE:-$BETTER_AUTH_URL}"
  if [ "$API_TOKEN_MODE" = jwks ]; then
    export BETTER_AUTH_JWKS_URL="$BETTER_AUTH_URL/api/auth/jwks"
  fi
}

stop_jobs_on_exit() {
  # scripts/dev's servers (this shell's background jobs) end with it, however it ends. Ctrl-C or SIGTERM is a
  # requested stop, so a success: the jobs are stopped and waited for, then exit 0 (SIGTERM was an exit 1 once).
  # Start the jobs with `exec` in their subshells, so that stopping a job stops the server itself.
  trap '_stop_jobs; trap - EXIT; exit 0' INT TERM
  trap '_stop_jobs' EXIT
}

_stop_jobs() {
  local pids
  pids="$(jobs -p)"
  [ -n "$pids" ] || return 0
  # shellcheck disable=SC2086  # one pid per word
  kill $pids 2>/dev/null || true
  wait $pids 2>/dev/null || true
}
