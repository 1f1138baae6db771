"""What one learner costs a JupyterHub, and how many learners a small hub holds.

Starts the class hub (hub/jupyterhub_config.py) on 127.0.0.1 exactly as
tests/test_hub.py does (tests/hub_support.py), with one learner. The learner logs
in with the real browser (Debian's Chromium through Playwright) and works through
the series in their own copy: opens each notebook 00-09 in turn, clears it and
runs all its cells, as JupyterLab does with a new kernel per notebook. Kernels
are left running, as they are when a learner just closes a tab. In notebook 07
the learner then moves the explorer's η slider back and forth (each move
retrains). A sampler thread reads every process of the learner (the single-user
server and everything under it: kernels, helpers) every 0.25 s: RSS, PSS and
USS, and CPU time. The browser's own cost is the learner's device's, not the hub's.

Prints, per notebook, the wall time of Run All, the CPU the learner's processes
and the hub + proxy used for it and the kernel's memory; then the learner's peak
memory (with all ten kernels left running, and with one kernel at a time), the
CPU for the whole series, and the verdict: how many concurrent learners a hub of
--cores cores and --memory-gib GiB holds, and which limit binds:

* memory: (memory - hub - proxy - --os-reserve-gib) / the learner's peak PSS with
  all ten kernels running (the class config shuts a kernel down after an hour idle);
* average CPU: each learner's CPU for the series is spread over the series'
  estimated working time (the notebooks' "Estimated time"); the learners together
  may use at most --cpu-target of the cores;
* a burst: everyone presses Run All on the heaviest notebook at the same moment;
  the last one must finish within --burst-seconds.

Usage::

    .venv/bin/python benchmarks/hub_learner_cost.py [--cores 2] [--memory-gib 24]

Needs what tests/test_hub.py needs (hub/requirements.txt, ``npm ci --prefix hub``,
Chromium). Takes about two to three minutes. Writes a copy of the report to
benchmarks/results/hub_learner_cost.txt (git-ignored).
"""

from __future__ import annotations

import argparse
import json
import math
import re
import sys
import tempfile
import threading
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))  # the hub and browser helpers of the tests, as the package tests

from tests import hub_support  # noqa: E402
from tests.browser_support import CHROMIUM_ARGS, EXPLORER_NOTEBOOK_LAST_OUTPUT, OUTPUTS, clear_all_outputs, \
    explorer_loss_text, find_chromium, open_notebook, run_all, wait_until_every_code_cell_ran  # noqa: E402

MIB = 2 ** 20
LEARNER = "learner1"
EXPLORER = "07_training_on_toy_data.ipynb"
SLIDER_MOVES = ("PageUp", "PageDown", "PageUp", "PageDown")  # η 0.1 -> 0.316 -> 0.1 -> ...
ESTIMATE_RE = re.compile(r"Estimated time: (\d+) minutes")


class Sampler(threading.Thread):
    """Every ``period`` s: memory (RSS/PSS/USS) and CPU time of the processes under ``roots``."""

    def __init__(self, roots: dict, period: float = 0.25):
        super().__init__(daemon=True)
        import psutil

        self.psutil, self.roots, self.period = psutil, roots, period
        self.cpu = {}           # pid -> last seen user+system seconds (itself and waited children)
        self.group_of = {}      # pid -> "learner" or "hub"
        self.mem = {}           # pid -> last (rss, pss, uss)
        self.peak = {"learner": (0, 0, 0), "hub": (0, 0, 0)}
        self.stop_event = threading.Event()
        self.lock = threading.Lock()

    def processes(self):
        """(group, process) for each process; a process belongs to the first root above it
        in ``roots`` order (the learner's server is itself a child of the hub)."""
        found, taken = [], set()
        for group, pid in self.roots.items():
            try:
                root = self.psutil.Process(pid)
                tree = [root, *root.children(recursive=True)]
            except self.psutil.NoSuchProcess:
                continue
            found += [(group, p) for p in tree if p.pid not in taken]
            taken.update(p.pid for p in tree)
        return found

    def sample(self):
        totals = {"learner": [0, 0, 0], "hub": [0, 0, 0]}
        for group, proc in self.processes():
            try:
                with proc.oneshot():
                    t = proc.cpu_times()
                    info = proc.memory_full_info()
            except (self.psutil.NoSuchProcess, self.psutil.AccessDenied):
                continue
            with self.lock:
                self.cpu[proc.pid] = t.user + t.system + t.children_user + t.children_system
                self.group_of[proc.pid] = group
                self.mem[proc.pid] = (info.rss, info.pss, info.uss)
            for i, value in enumerate((info.rss, info.pss, info.uss)):
                totals[group][i] += value
        with self.lock:
            for group, values in totals.items():
                if values[1] > self.peak[group][1]:
                    self.peak[group] = tuple(values)

    def run(self):
        while not self.stop_event.is_set():
            self.sample()
            self.stop_event.wait(self.period)

    def cpu_seconds(self, group: str) -> float:
        with self.lock:
            return sum(v for pid, v in self.cpu.items() if self.group_of[pid] == group)

    def reset_peak(self):
        with self.lock:
            self.peak = {"learner": (0, 0, 0), "hub": (0, 0, 0)}

    def memory_of(self, pid: int):
        with self.lock:
            return self.mem.get(pid)

    def stop(self):
        self.stop_event.set()
        self.join(timeout=10)
        self.sample()


def series():
    paths = sorted((ROOT / "notebooks").glob("[0-9][0-9]_*.ipynb"))
    out = []
    for p in paths:
        nb = json.loads(p.read_text(encoding="utf-8"))
        text = "".join("".join(c["source"]) if isinstance(c["source"], list) else c["source"] for c in nb["cells"])
        minutes = ESTIMATE_RE.search(text)
        out.append((p.name, len(nb["cells"]), int(minutes.group(1)) if minutes else None))
    return out


def kernel_pid(hub, sampler, path: str):
    """The pid of the kernel the learner's session for ``path`` runs."""
    r = hub.api("GET", f"/user/{LEARNER}/api/sessions", token=hub.token(LEARNER))
    kernel_id = next(s["kernel"]["id"] for s in r.json() if s["path"] == path)
    for _, proc in sampler.processes():
        try:
            if any(kernel_id in part for part in proc.cmdline()):
                return proc.pid
        except Exception:  # noqa: BLE001 - a process that ended meanwhile
            continue
    return None


def work_through(page, hub, sampler, notebooks, say):
    """Open, clear and run every notebook; then move the explorer's slider. Returns rows."""
    from playwright.sync_api import expect

    rows = []
    for name, n_cells, minutes in notebooks:
        cpu0, hub0, t0 = sampler.cpu_seconds("learner"), sampler.cpu_seconds("hub"), time.monotonic()
        open_notebook(page, f"{hub.url}/user/{LEARNER}/lab/tree/{name}?reset", n_cells)  # only this tab
        clear_all_outputs(page)
        opened = time.monotonic()
        run_all(page)
        wait_until_every_code_cell_ran(page)
        if name == EXPLORER:
            expect(page.locator(OUTPUTS, has_text=EXPLORER_NOTEBOOK_LAST_OUTPUT)).to_have_count(1)
            expect(page.locator(".bp-explorer .bp-loss-text")).to_have_text(explorer_loss_text(0.1))
        ran = time.monotonic()
        sampler.sample()
        pid = kernel_pid(hub, sampler, name)
        mem = sampler.memory_of(pid) if pid else None
        rows.append({"name": name, "minutes": minutes, "open_s": opened - t0, "run_s": ran - opened,
                     "cpu_s": sampler.cpu_seconds("learner") - cpu0, "hub_cpu_s": sampler.cpu_seconds("hub") - hub0,
                     "kernel": mem})
        say(f"{name}: run {ran - opened:.1f} s, learner CPU {rows[-1]['cpu_s']:.1f} s")
        if name == EXPLORER:
            rows[-1]["moves"] = move_slider(page, sampler)
    return rows


def move_slider(page, sampler):
    """Each key press retrains the explorer; wait for the exact final text, measure CPU and wall."""
    from playwright.sync_api import expect

    explorer = page.locator(".bp-explorer")
    loss = explorer.locator(".bp-loss-text")
    texts = {"PageUp": explorer_loss_text(10 ** -0.5), "PageDown": explorer_loss_text(0.1)}
    moves = []
    for key in SLIDER_MOVES:
        explorer.locator(".bp-eta [role=slider]").focus()
        sampler.sample()
        cpu0, t0 = sampler.cpu_seconds("learner"), time.monotonic()
        page.keyboard.press(key)
        expect(loss).to_have_text(texts[key])
        wall = time.monotonic() - t0
        sampler.sample()
        moves.append((wall, sampler.cpu_seconds("learner") - cpu0))
    return moves


def verdict(args, rows, start_cpu, peak_all, one_at_a_time, hub_mem, series_cpu, say):
    """How many concurrent learners the hub holds, by each limit; the binding one."""
    gib = 2 ** 30
    budget = args.memory_gib * gib - hub_mem - args.os_reserve_gib * gib
    n_mem = math.floor(budget / peak_all)
    minutes = sum(r["minutes"] or 0 for r in rows)
    per_learner_cores = series_cpu / (minutes * 60)
    n_cpu = math.floor(args.cores * args.cpu_target / per_learner_cores)
    heaviest = max(rows, key=lambda r: r["cpu_s"])
    n_burst = math.floor(args.burst_seconds * args.cores / heaviest["cpu_s"])
    limits = {"memory": n_mem, "average CPU": n_cpu, f"a Run All burst of {heaviest['name'][:2]}": n_burst}
    binding = min(limits, key=limits.get)
    holds = limits[binding]
    move_cpu = max(c for r in rows for _, c in r.get("moves", [])) if any("moves" in r for r in rows) else 0
    say("")
    say(f"Verdict for a hub with {args.cores} cores and {args.memory_gib} GiB:")
    say(f"  memory:      ({args.memory_gib} GiB - hub+proxy {hub_mem / MIB:.0f} MiB - OS {args.os_reserve_gib} GiB)"
        f" / {peak_all / MIB:.0f} MiB per learner = {n_mem} learners"
        f"  (one kernel at a time: {math.floor(budget / one_at_a_time)})")
    say(f"  average CPU: {series_cpu:.0f} CPU-s per learner over the series' {minutes} estimated minutes"
        f" = {per_learner_cores * 1000:.1f} millicores; {args.cpu_target:.0%} of {args.cores} cores = {n_cpu} learners")
    say(f"  burst:       everyone runs {heaviest['name']} at once ({heaviest['cpu_s']:.1f} CPU-s each),"
        f" last done within {args.burst_seconds:.0f} s: {n_burst} learners")
    say(f"  HOLDS {holds} concurrent learners; the limit is {binding}.")
    say(f"  At {holds} learners: all logging in at once waits about {holds * start_cpu / args.cores:.0f} s"
        f" for the last server ({start_cpu:.1f} CPU-s each); {holds} explorer slider moves at the same moment"
        f" take about {holds * move_cpu / args.cores:.1f} s ({move_cpu:.2f} CPU-s each).")
    return holds, binding


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--cores", type=int, default=2)
    parser.add_argument("--memory-gib", type=float, default=24)
    parser.add_argument("--os-reserve-gib", type=float, default=2, help="left for the OS and page cache")
    parser.add_argument("--cpu-target", type=float, default=0.5, help="average share of the cores learners may use")
    parser.add_argument("--burst-seconds", type=float, default=60)
    args = parser.parse_args(argv)

    problems = hub_support.missing()
    chromium = find_chromium()
    if chromium is None:
        problems.append("Chromium not found: apt-get install chromium")
    if problems:
        print("cannot measure: " + "; ".join(problems), file=sys.stderr)
        return 2
    from playwright.sync_api import expect, sync_playwright

    expect.set_options(timeout=120_000)
    lines = []

    def say(line=""):
        print(line, flush=True)
        lines.append(line)

    notebooks = series()
    import os

    with tempfile.TemporaryDirectory(prefix="bpcore-hub-cost-") as tmp, hub_support.Hub(Path(tmp), [LEARNER]) as hub:
        say(f"hub on {hub.url}; load average {os.getloadavg()[0]:.2f} at start")
        hub.start_servers([LEARNER])
        server = hub.server_pid(LEARNER)
        sampler = Sampler({"learner": server, "hub": hub.proc.pid})
        sampler.sample()
        start_cpu, hub_cpu0 = sampler.cpu_seconds("learner"), sampler.cpu_seconds("hub")
        idle = sampler.peak["learner"]
        hub_idle = sampler.peak["hub"]
        sampler.start()
        with sync_playwright() as pw:
            browser = pw.chromium.launch(executable_path=chromium, headless=True, args=CHROMIUM_ARGS,
                                         env={"HOME": str(Path(tmp) / "browser-home"), "PATH": "/usr/bin:/bin"})
            try:
                page = browser.new_page(viewport={"width": 1400, "height": 1000})
                page.set_default_timeout(120_000)
                t0 = time.monotonic()
                hub_support.login(page, hub, LEARNER)
                rows = work_through(page, hub, sampler, notebooks, lambda s: print(s, file=sys.stderr, flush=True))
                total_wall = time.monotonic() - t0
            finally:
                browser.close()
        sampler.stop()
        series_cpu = sampler.cpu_seconds("learner") - start_cpu + sampler.cpu_seconds("hub") - hub_cpu0
        peak, hub_peak = sampler.peak["learner"], sampler.peak["hub"]
        server_mem = sampler.memory_of(server)
        kernels = [r["kernel"][1] for r in rows if r["kernel"]]
        one_at_a_time = server_mem[1] + max(kernels)
        hub.stop()
        load = os.getloadavg()[0]

    say(f"{'notebook':<42} {'open s':>7} {'run s':>6} {'CPU s':>6} {'hub CPU':>8} {'kernel RSS/PSS/USS MiB':>24}")
    for r in rows:
        k = "/".join(f"{v / MIB:.0f}" for v in r["kernel"]) if r["kernel"] else "-"
        say(f"{r['name']:<42} {r['open_s']:7.1f} {r['run_s']:6.1f} {r['cpu_s']:6.1f} {r['hub_cpu_s']:8.2f} {k:>24}")
        for key, (wall, cpu) in zip(SLIDER_MOVES, r.get("moves", [])):
            say(f"  explorer slider {key:<8} retrain to final text {wall:5.2f} s wall, {cpu:5.2f} CPU-s")
    fmt = lambda m: "/".join(f"{v / MIB:.0f}" for v in m)  # noqa: E731
    say("")
    say(f"memory, RSS/PSS/USS MiB:  server idle {fmt(idle)} (server only) | server at the end {fmt(server_mem)}")
    say(f"  learner peak, all {len(kernels)} kernels left running: {fmt(peak)}")
    say(f"  learner with one kernel at a time (server + largest kernel), PSS: {one_at_a_time / MIB:.0f}")
    say(f"  hub + proxy: idle {fmt(hub_idle)}, peak {fmt(hub_peak)}")
    say(f"CPU: server start {start_cpu:.1f} CPU-s; the whole series {series_cpu:.1f} CPU-s (server + kernels"
        f" + hub + proxy) in {total_wall:.0f} s of wall time; load average {load:.2f} at the end")
    verdict(args, rows, start_cpu, peak[1], one_at_a_time, hub_peak[1], series_cpu, say)
    results = ROOT / "benchmarks" / "results"
    results.mkdir(parents=True, exist_ok=True)
    (results / "hub_learner_cost.txt").write_text("\n".join(lines) + "\n", encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main())
