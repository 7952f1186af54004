"""The event loop's lag, sampled: how late a 10 ms sleep wakes up. Any blocking call on
the UI thread shows as lag (tests/reader/test_scale_lag.py, tests/feeds/test_reader_refresh.py)."""

from __future__ import annotations

import asyncio
import time

TICK = 0.01


class LagProbe:
    """Samples the event loop's lag (how late a 10 ms sleep wakes up)."""

    def __init__(self) -> None:
        self.samples: list[float] = []
        self._task: asyncio.Task[None] | None = None

    async def _run(self) -> None:
        while True:
            started = time.perf_counter()
            await asyncio.sleep(TICK)
            self.samples.append((time.perf_counter() - started - TICK) * 1000)

    def start(self) -> None:
        self._task = asyncio.get_running_loop().create_task(self._run())

    def stop(self) -> None:
        if self._task is not None:
            self._task.cancel()

    @property
    def worst(self) -> float:
        return max(self.samples, default=0.0)

    def share_over(self, limit_ms: float) -> float:
        return sum(1 for s in self.samples if s > limit_ms) / max(1, len(self.samples))

    def figures(self) -> str:
        ordered = sorted(self.samples) or [0.0]
        p99 = ordered[min(len(ordered) - 1, int(len(ordered) * 0.99))]
        return f"worst {ordered[-1]:.1f} ms, p99 {p99:.1f} ms over {len(ordered)} samples"
