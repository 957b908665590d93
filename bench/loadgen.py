"""The load generators: wrk with bench/replay.lua for steady load, asyncio for a burst.

wrk (C, event loop) saturates a bare Flask endpoint on this machine; a Python thread pool
does not (its own cost caps it at a fraction of what gunicorn serves), so every steady
measurement, the bare endpoint's included, goes through `run_wrk`. The synchronized start
is not a steady load: `burst` opens N connections at the same instant, as N phones do at
9:00, and times each until its response.
"""

from __future__ import annotations

import asyncio
import json
import os
import shutil
import statistics
import subprocess
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path

SCRIPT = Path(__file__).resolve().parent / "replay.lua"


@dataclass
class Line:
    """One prepared request."""

    method: str
    path: str
    token: str = ""
    body: dict | None = None

    def tsv(self) -> str:
        body = "" if self.body is None else json.dumps(self.body, separators=(",", ":"))
        return f"{self.method}\t{self.path}\t{self.token}\t{body}"


@dataclass
class Measured:
    """What one run of the load generator saw."""

    requests: int
    seconds: float
    p50_ms: float
    p99_ms: float
    statuses: dict[int, int]
    transport_errors: int
    #: Lines prepared; when `requests` exceeds it, lines were sent more than once.
    lines: int = 0
    extra: dict = field(default_factory=dict)

    @property
    def rps(self) -> float:
        return self.requests / self.seconds if self.seconds else 0.0

    @property
    def non_2xx(self) -> int:
        return sum(n for status, n in self.statuses.items() if not 200 <= status < 300)

    def count(self, *statuses: int) -> int:
        return sum(self.statuses.get(status, 0) for status in statuses)

    def as_dict(self) -> dict:
        return {"requests": self.requests, "seconds": round(self.seconds, 3),
                "rps": round(self.rps, 1), "p50_ms": round(self.p50_ms, 2),
                "p99_ms": round(self.p99_ms, 2), "non_2xx": self.non_2xx,
                "transport_errors": self.transport_errors,
                "statuses": {str(k): v for k, v in sorted(self.statuses.items())},
                "lines": self.lines, **self.extra}


def wrk_available() -> bool:
    return shutil.which("wrk") is not None


def run_wrk(port: int, lines: list[Line], seconds: float, connections: int = 64,
            threads: int = 2) -> Measured:
    """Replay `lines` against 127.0.0.1:`port` for `seconds` over `connections`."""
    if not lines:
        raise ValueError("nothing to send")
    threads = min(threads, connections, len(lines))
    with tempfile.TemporaryDirectory() as tmp:
        lines_file, out_file = Path(tmp, "lines.tsv"), Path(tmp, "out.json")
        lines_file.write_text("".join(line.tsv() + "\n" for line in lines), encoding="utf-8")
        completed = subprocess.run(
            ["wrk", f"-t{threads}", f"-c{connections}", f"-d{max(1, round(seconds))}s",
             "--timeout", "30s", "-s", str(SCRIPT), f"http://127.0.0.1:{port}", "--",
             str(lines_file), str(threads)],
            env={**os.environ, "WRK_OUT": str(out_file)}, capture_output=True, text=True,
        )
        if completed.returncode != 0 or not out_file.exists():
            raise RuntimeError(f"wrk failed: {completed.stderr or completed.stdout}")
        data = json.loads(out_file.read_text())
    errors = data["errors"]
    return Measured(
        requests=data["requests"], seconds=data["duration_us"] / 1e6,
        p50_ms=data["p50_us"] / 1000, p99_ms=data["p99_us"] / 1000,
        statuses={int(k): v for k, v in data["statuses"].items()},
        transport_errors=errors["connect"] + errors["read"] + errors["write"]
        + errors["timeout"],
        lines=data["lines"],
    )


async def _one(port: int, line: Line, release: asyncio.Event, started: list[float],
               timeout: float) -> tuple[int | None, float]:
    """Send one request when `release` is set; (status or None, seconds from release)."""
    await release.wait()
    body = b"" if line.body is None else json.dumps(line.body).encode()
    head = (f"{line.method} {line.path} HTTP/1.1\r\nHost: 127.0.0.1:{port}\r\n"
            f"Authorization: Bearer {line.token}\r\nContent-Type: application/json\r\n"
            f"Content-Length: {len(body)}\r\nConnection: close\r\n\r\n").encode()
    try:
        async with asyncio.timeout(timeout):
            reader, writer = await asyncio.open_connection("127.0.0.1", port)
            writer.write(head + body)
            await writer.drain()
            status_line = await reader.readline()
            await reader.read()  # Connection: close; the body ends with the connection
            writer.close()
        status = int(status_line.split()[1])
    except (OSError, TimeoutError, IndexError, ValueError):
        status = None
    return status, time.perf_counter() - started[0]


async def _burst(port: int, lines: list[Line], timeout: float) -> list[tuple[int | None, float]]:
    release = asyncio.Event()
    started = [0.0]
    tasks = [asyncio.create_task(_one(port, line, release, started, timeout)) for line in lines]
    await asyncio.sleep(0.2)  # every task is waiting on the event
    started[0] = time.perf_counter()
    release.set()
    return await asyncio.gather(*tasks)


def burst(port: int, lines: list[Line], timeout: float = 60.0) -> Measured:
    """Release every line at the same instant, each on its own new connection."""
    results = asyncio.run(_burst(port, lines, timeout))
    times = sorted(seconds for _, seconds in results)
    statuses: dict[int, int] = {}
    for status, _ in results:
        if status is not None:
            statuses[status] = statuses.get(status, 0) + 1
    served = sorted(s for status, s in results if status is not None and 200 <= status < 300)
    return Measured(
        requests=len(results), seconds=times[-1],
        p50_ms=statistics.median(times) * 1000,
        p99_ms=times[min(len(times) - 1, int(len(times) * 0.99))] * 1000,
        statuses=statuses, transport_errors=sum(1 for status, _ in results if status is None),
        lines=len(lines),
        extra={"last_served_s": round(served[-1], 3) if served else None},
    )
