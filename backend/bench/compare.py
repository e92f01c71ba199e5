"""Side by side: our API, a tutorial-style FastAPI + SQLModel app (bench/tutorial.py), the database floor (the
ceiling plus one bare psycopg statement per request, bench/floor.py) and the bare-FastAPI ceiling
(bench/ceiling.py), each one process pinned to CPU 0 while wrk runs on CPU 1, on the same data. All four are
measured route by route in the same rounds, interleaved, so a noisy neighbour slows them alike; every figure is a
median over the rounds, with the spread [min-max] of the per-round ratios."""

import statistics
from dataclasses import dataclass, field
from pathlib import Path

from bench.environment import ApiProcess
from bench.load import Result, wrk

SERVER_CPU, LOAD_CPU = "0", "1"
ROUTES = ["list", "get", "create", "toggle", "update", "mix"]  # delete consumes rows: measured once, elsewhere
APPS = {"ours": None, "tutorial": "bench.tutorial:app", "floor": "bench.floor:app", "ceiling": "bench.ceiling:app"}


@dataclass
class Comparison:
    rounds: int
    seconds: float
    runs: dict[str, dict[str, list[Result]]] = field(default_factory=dict)  # app -> route -> one Result a round

    def median(self, app: str, route: str) -> Result:
        results = sorted(self.runs[app][route], key=lambda result: result.requests_per_second)
        return results[len(results) // 2]

    def ratio(self, app: str, other: str, route: str) -> tuple[float, float, float]:
        """Per round, app's req/s over other's: (median, min, max)."""
        pairs = zip(self.runs[app][route], self.runs[other][route], strict=True)
        ratios = [a.requests_per_second / b.requests_per_second for a, b in pairs]
        return statistics.median(ratios), min(ratios), max(ratios)

    def database_us(self, app: str, route: str) -> float | None:
        """PostgreSQL CPU µs per request, median over the rounds."""
        figures = [result.database_us for result in self.runs[app][route] if result.database_us is not None]
        return statistics.median(figures) if figures else None

    def errors(self) -> int:
        return sum(result.errors for routes in self.runs.values() for results in routes.values() for result in results)

    def table(self) -> str:
        lines = [
            "| route | ours req/s | tutorial-style req/s | floor req/s | ceiling req/s | ours ÷ tutorial-style "
            "| ours ÷ floor | ours ÷ ceiling | p99 ms ours / tutorial-style "
            "| database µs per request ours / tutorial-style |",
            "|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|",
        ]
        for route in ROUTES:
            ours, tutorial, floor, ceiling = (self.median(app, route) for app in APPS)
            lines.append(
                f"| {route} | {ours.requests_per_second:,.0f} | {tutorial.requests_per_second:,.0f} "
                f"| {floor.requests_per_second:,.0f} | {ceiling.requests_per_second:,.0f} "
                f"| {_spread(self.ratio('ours', 'tutorial', route), 'x')} "
                f"| {_spread(self.ratio('ours', 'floor', route), 'x')} "
                f"| {_spread(self.ratio('ours', 'ceiling', route), '')} | {ours.p99_ms:.1f} / {tutorial.p99_ms:.1f} "
                f"| {_micros(self.database_us('ours', route))} / {_micros(self.database_us('tutorial', route))} |"
            )
        return "\n".join(lines)


def _micros(figure: float | None) -> str:
    return "n/a" if figure is None else f"{figure:,.0f}"


def _spread(figures: tuple[float, float, float], unit: str) -> str:
    middle, low, high = figures
    if unit:
        return f"{middle:.2f}{unit} [{low:.2f}-{high:.2f}]"
    return f"{middle:.0%} [{low:.0%}-{high:.0%}]"


def interleave(
    processes: dict[str, ApiProcess], data: Path, seconds: float, rounds: int, connections: int
) -> Comparison:
    comparison = Comparison(rounds, seconds, {app: {route: [] for route in ROUTES} for app in processes})
    for process in processes.values():  # warm up: pools filled, code paths and the database's caches hot
        wrk(process.base_url, "mix", 2, connections, data, cpus=LOAD_CPU)
    order = list(processes)
    for n in range(rounds):
        print(f"  round {n + 1}/{rounds}", flush=True)
        for route in ROUTES:
            for app in order:
                result = wrk(processes[app].base_url, route, seconds, connections, data, cpus=LOAD_CPU)
                comparison.runs[app][route].append(result)
        order = order[1:] + order[:1]  # who goes first changes every round
    return comparison


def start_all(app_url: str, admin_url: str, owner_env: dict[str, str]) -> dict[str, ApiProcess]:
    """Ours as a user runs it (`todo-api run`); the tutorial-style app and the floor as the tables' owner (they
    know nothing of row-level security); the ceiling needs no database."""
    return {
        "ours": ApiProcess(app_url, env=owner_env, cpus=SERVER_CPU),
        "tutorial": ApiProcess(admin_url, app=APPS["tutorial"], cpus=SERVER_CPU),
        "floor": ApiProcess(admin_url, app=APPS["floor"], cpus=SERVER_CPU),
        "ceiling": ApiProcess(app_url, app=APPS["ceiling"], cpus=SERVER_CPU),
    }
