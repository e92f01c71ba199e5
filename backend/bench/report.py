"""The benchmark's table, its Markdown report and its plot."""

from dataclasses import dataclass, field
from pathlib import Path

from bench.compare import Comparison
from bench.load import Result


@dataclass
class Row:
    route: str
    api: Result
    ceiling: Result | None = None
    database: Result | None = None
    injected: Result | None = None  # one connection, with the delay proxy in front of the database
    direct: Result | None = None  # one connection, without it

    def round_trips(self, rtt_ms: float) -> float | None:
        """p50 / RTT, as the issue defines it (includes the API's own processing time)."""
        return self.injected.p50_ms / rtt_ms if self.injected else None

    def net_round_trips(self, measured_rtt_ms: float) -> float | None:
        """(p50 with the delay - p50 without) / the RTT a bare `SELECT 1` sees through the proxy."""
        if not (self.injected and self.direct):
            return None
        return (self.injected.p50_ms - self.direct.p50_ms) / measured_rtt_ms


@dataclass
class Report:
    rtt_ms: float
    measured_rtt_ms: float = 0.0
    rows: list[Row] = field(default_factory=list)
    extra: list[Row] = field(default_factory=list)  # 2 workers, big table
    facts: dict[str, str] = field(default_factory=dict)
    comparison: Comparison | None = None
    worker_rss_mb: float = 0.0  # our single worker's, after the load
    profile: list[tuple[str, float]] = field(default_factory=list)  # (owner, share of CPU samples)
    cold_start_seconds: float = 0.0

    def table(self) -> str:
        head = "| run | req/s | p50 ms | p99 ms | errors | / framework ceiling | / DB ceiling | p50/RTT | round trips |"
        lines = [head, "|---|---:|---:|---:|---:|---:|---:|---:|---:|"]
        for row in self.rows + self.extra:
            api = row.api
            ceiling = f"{api.requests_per_second / row.ceiling.requests_per_second:.0%}" if row.ceiling else ""
            database = f"{api.requests_per_second / row.database.requests_per_second:.0%}" if row.database else ""
            trips, net = row.round_trips(self.rtt_ms), row.net_round_trips(self.measured_rtt_ms)
            lines.append(
                f"| {row.route} | {api.requests_per_second:,.0f} | {api.p50_ms:.2f} | {api.p99_ms:.2f} | {api.errors} "
                f"| {ceiling} | {database} | {_fmt(trips)} | {_fmt(net)} |"
            )
        return "\n".join(lines)

    def ceilings(self) -> str:
        lines = [
            "| route | framework ceiling req/s | p50 ms | DB ceiling (pgbench) tps | p50 ms |",
            "|---|---:|---:|---:|---:|",
        ]
        for row in self.rows:
            c, d = row.ceiling, row.database
            lines.append(
                f"| {row.route} | {f'{c.requests_per_second:,.0f}' if c else ''} | {f'{c.p50_ms:.2f}' if c else ''} "
                f"| {f'{d.requests_per_second:,.0f}' if d else ''} | {f'{d.p50_ms:.2f}' if d else ''} |"
            )
        return "\n".join(lines)

    def plot(self, path: Path) -> None:
        import matplotlib

        matplotlib.use("Agg")
        import matplotlib.pyplot as plt

        routes = [row.route for row in self.rows]
        figure, (left, right) = plt.subplots(1, 2, figsize=(12, 4.5))
        x = range(len(routes))
        width = 0.27
        series = [
            ("API", [r.api.requests_per_second for r in self.rows]),
            ("framework ceiling", [r.ceiling.requests_per_second if r.ceiling else 0 for r in self.rows]),
            ("DB ceiling", [r.database.requests_per_second if r.database else 0 for r in self.rows]),
        ]
        for offset, (label, values) in enumerate(series):
            left.bar([i + (offset - 1) * width for i in x], values, width, label=label)
        left.set_xticks(list(x), routes)
        left.set_ylabel("requests per second")
        left.set_title("Throughput (32 connections)")
        left.legend()
        right.bar([i - 0.2 for i in x], [r.api.p50_ms for r in self.rows], 0.4, label="p50")
        right.bar([i + 0.2 for i in x], [r.api.p99_ms for r in self.rows], 0.4, label="p99")
        right.set_xticks(list(x), routes)
        right.set_ylabel("milliseconds")
        right.set_title("API latency (32 connections)")
        right.legend()
        figure.tight_layout()
        figure.savefig(path, dpi=110)


def _fmt(value: float | None) -> str:
    return f"{value:.2f}" if value is not None else ""
