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
    "$ROOT/.tools/bin/python" -m pip install --quiet "uv==$UV_VERSION"
  fi
}

sync_backend() {
  ensure_uv
  (cd "$ROOT/backend" && "$UV" sync --locked --quiet)
}
