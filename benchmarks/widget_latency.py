"""Training-explorer latency, measured side by side in one run.

Prints, for the default retrain (moons, 2-16-16-1 tanh, cross-entropy,
η = 0.1, m = 10, 100 epochs, 150 training + 50 held-out points):

* training only: 100 epochs through ``bpcore.explorer.Run.advance`` (no widget, no drawing);
* one frame: ``ExplorerCanvas.render`` (matplotlib Agg → PNG) plus the live-maths numbers;
* first frame: from a learning-rate change on the widget to the first new
  picture (``Image.value`` set) — the latency a learner feels, minus the browser;
* full retrain: from the change until the streamed run has finished, and how
  much of it went to drawing;
* the same with the explorer's real scheduling (one tick at a time on an
  asyncio event loop, as in the Jupyter kernel).

Latency targets: first frame ≤ 0.3 s, full retrain ≤ 2 s while streaming,
drawing not dominating. Machines are noisy: compare the ratios within one
run. The load average is printed because other processes skew wall times.

Usage::

    .venv/bin/python benchmarks/widget_latency.py [--repeat 5]

Writes a copy of the table to benchmarks/results/widget_latency.txt (git-ignored).
"""

from __future__ import annotations

import argparse
import asyncio
import os
import statistics
import sys
import time
from pathlib import Path

os.environ.setdefault("MPLBACKEND", "Agg")

import numpy as np  # noqa: E402

from bpcore.explorer import Run, Settings, explorer, live_maths_html, live_numbers  # noqa: E402
from bpcore.explorer.views import ExplorerCanvas  # noqa: E402

ROOT = Path(__file__).resolve().parent


def training_only(settings):
    run = Run(settings)
    t0 = time.perf_counter()
    run.advance(settings.epochs)
    return time.perf_counter() - t0


def one_frame(canvas, run):
    t0 = time.perf_counter()
    canvas.render(run)
    live_maths_html(live_numbers(run.net, run.data.x, run.data.y, run.settings.cost, run.eta, run.m))
    return time.perf_counter() - t0


def change_to_frames(ex, new_eta):
    """Set η on the widget (sync mode); return (first frame, done, frames, draw seconds)."""
    stamps = []
    ex.plot.observe(lambda change: stamps.append(time.perf_counter()), names="value")
    frames0, draws0 = ex.frames, len(ex.draw_seconds)
    t0 = time.perf_counter()
    ex.controls["eta"].value = new_eta
    done = time.perf_counter() - t0
    ex.plot.unobserve_all("value")
    return stamps[0] - t0, done, ex.frames - frames0, sum(ex.draw_seconds[draws0:])


async def change_async(ex, new_eta):
    """The same with the explorer scheduling ticks on a running asyncio loop (like the kernel)."""
    stamps = []
    ex.plot.observe(lambda change: stamps.append(time.perf_counter()), names="value")
    frames0, draws0 = ex.frames, len(ex.draw_seconds)
    t0 = time.perf_counter()
    ex.controls["eta"].value = new_eta
    while ex.running:
        await asyncio.sleep(0.001)
    done = time.perf_counter() - t0
    ex.plot.unobserve_all("value")
    return stamps[0] - t0, done, ex.frames - frames0, sum(ex.draw_seconds[draws0:])


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--repeat", type=int, default=5, help="measurements per figure (median)")
    args = parser.parse_args(argv)
    settings = Settings()
    etas = [10 ** -0.5, 0.1]

    train_t = [training_only(settings) for _ in range(args.repeat)]
    canvas, run = ExplorerCanvas(), Run(settings)
    run.advance(settings.epochs)
    one_frame(canvas, run)
    frame_t = [one_frame(canvas, run) for _ in range(args.repeat)]

    ex = explorer(settings, mode="sync")
    sync = [change_to_frames(ex, etas[i % 2]) for i in range(args.repeat)]

    async def run_async():
        ex_a = explorer(settings, mode="async")
        return [await change_async(ex_a, etas[i % 2]) for i in range(args.repeat)]

    asy = asyncio.run(run_async())

    med = statistics.median
    lines = [
        f"explorer latency — {settings.describe()}; median of {args.repeat}",
        f"load average {os.getloadavg()[0]:.2f} on {os.cpu_count()} cores; numpy {np.__version__}",
        "",
        f"{'figure':46s} {'seconds':>9s}  target",
        f"{'training only (100 epochs, no drawing)':46s} {med(train_t):9.3f}",
        f"{'one frame (render PNG + live maths)':46s} {med(frame_t):9.3f}",
        f"{'first frame after η change (sync)':46s} {med(s[0] for s in sync):9.3f}  ≤ 0.3",
        f"{'full retrain while streaming (sync)':46s} {med(s[1] for s in sync):9.3f}  ≤ 2",
        f"{'  frames drawn during it':46s} {med(s[2] for s in sync):9.0f}",
        f"{'  time spent drawing them':46s} {med(s[3] for s in sync):9.3f}",
        f"{'first frame after η change (async ticks)':46s} {med(a[0] for a in asy):9.3f}  ≤ 0.3",
        f"{'full retrain while streaming (async ticks)':46s} {med(a[1] for a in asy):9.3f}  ≤ 2",
        f"{'  frames drawn during it':46s} {med(a[2] for a in asy):9.0f}",
        f"{'  time spent drawing them':46s} {med(a[3] for a in asy):9.3f}",
        "",
        f"drawing share of the async retrain: {med(a[3] / a[1] for a in asy):.0%}; "
        f"retrain / training-only: {med(a[1] for a in asy) / med(train_t):.2f}×",
    ]
    text = "\n".join(lines)
    print(text)
    out = ROOT / "results"
    out.mkdir(exist_ok=True)
    (out / "widget_latency.txt").write_text(text + "\n", encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main())
