"""What scripts/dev gives the API and the frontend (scripts/lib.sh's dev_settings), run in a real bash."""

import os
import signal
import stat
import subprocess
from pathlib import Path

import pytest

req = pytest.mark.req

LIB = Path(__file__).resolve().parents[2] / "scripts" / "lib.sh"


def dev_settings(data: Path, umask: str = "022", **env: str) -> dict[str, str]:
    script = f'umask {umask}; source "{LIB}"; dev_settings "{data}"; env -0'
    base = {"PATH": os.environ["PATH"], "HOME": os.environ.get("HOME", "/")}
    done = subprocess.run(["bash", "-c", script], env=base | env, capture_output=True, check=True)
    pairs = (entry.split("=", 1) for entry in done.stdout.decode().split("\0") if "=" in entry)
    return dict(pairs)


@req("SEC-8", "C-AUTH-5")
@pytest.mark.parametrize("mode", ["shared-secret", "jwks"])
def test_the_api_checks_issuer_and_audience_against_the_frontends_url(tmp_path: Path, mode: str) -> None:
    settings = dev_settings(tmp_path, API_TOKEN_MODE=mode, BETTER_AUTH_URL="http://127.0.0.1:3999")
    assert settings["JWT_ISSUER"] == settings["JWT_AUDIENCE"] == "http://127.0.0.1:3999"
    assert settings.get("BETTER_AUTH_JWKS_URL") == ("http://127.0.0.1:3999/api/auth/jwks" if mode == "jwks" else None)
    defaults = dev_settings(tmp_path)  # no URL given: the dev server's
    assert defaults["JWT_ISSUER"] == defaults["JWT_AUDIENCE"] == defaults["BETTER_AUTH_URL"] == "http://127.0.0.1:3000"
    chosen = dev_settings(tmp_path, JWT_ISSUER="https://auth.example", JWT_AUDIENCE="todo-api")  # yours win
    assert (chosen["JWT_ISSUER"], chosen["JWT_AUDIENCE"]) == ("https://auth.example", "todo-api")


@req("SEC-8", "SEC-7")
def test_the_development_secret_is_owner_only_and_kept(tmp_path: Path) -> None:
    data = tmp_path / "data"
    first = dev_settings(data, umask="000")  # even with a umask that lets everyone read new files
    secret_file = data / "dev-secret"
    assert stat.S_IMODE(secret_file.stat().st_mode) == 0o600
    assert len(first["BETTER_AUTH_SECRET"]) >= 32
    assert dev_settings(data)["BETTER_AUTH_SECRET"] == first["BETTER_AUTH_SECRET"]  # the same secret every run
    given = dev_settings(tmp_path / "other", BETTER_AUTH_SECRET="s" * 40)
    assert given["BETTER_AUTH_SECRET"] == "s" * 40
    assert not (tmp_path / "other" / "dev-secret").exists()  # a secret of yours: nothing written


@req("DX-7")
@pytest.mark.parametrize("sig", [signal.SIGTERM, signal.SIGINT])
def test_scripts_dev_stops_its_servers_and_exits_0_when_asked_to_stop(sig: signal.Signals) -> None:
    # scripts/dev's own supervision (lib.sh), with real child processes standing in for the two servers.
    script = f'set -euo pipefail; source "{LIB}"; stop_jobs_on_exit; sleep 600 & sleep 600 & echo $(jobs -p); wait -n'
    with subprocess.Popen(["bash", "-c", script], stdout=subprocess.PIPE, text=True) as dev:
        assert dev.stdout is not None
        children = [int(pid) for pid in dev.stdout.readline().split()]  # both are running
        assert len(children) == 2
        dev.send_signal(sig)
        assert dev.wait(timeout=30) == 0  # it exited 1 on SIGTERM
    for pid in children:
        assert not Path(f"/proc/{pid}").exists() or "zombie" in Path(f"/proc/{pid}/status").read_text()


@req("DX-7")
def test_scripts_dev_fails_when_a_server_fails_and_stops_the_other() -> None:
    script = f'set -euo pipefail; source "{LIB}"; stop_jobs_on_exit; sleep 600 & echo $!; (exit 3) & wait -n'
    done = subprocess.run(["bash", "-c", script], capture_output=True, text=True, timeout=30)
    assert done.returncode == 3
    assert not Path(f"/proc/{int(done.stdout.split()[0])}").exists()
