"""Keep benchmarks/bench_backprop.py from rotting: its --quick mode runs and prints the table.

This is not a timed test: the speed targets are checked by running the script
itself (see benchmarks/README.md), never by pytest.
"""

import importlib.util
import os
import re
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
SCRIPT = ROOT / "benchmarks" / "bench_backprop.py"


def load_script():
    spec = importlib.util.spec_from_file_location("bench_backprop", SCRIPT)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_epoch_flops_counts_every_matmul_of_backprop():
    # 784-30-10, per example (2 FLOPs per multiply-add):
    #   forward w^1 a^0: 2*30*784 = 47,040   w^2 a^1: 2*10*30 = 600
    #   BP2 (w^2)^T δ^2: 2*30*10  =    600   (nothing is propagated into the input)
    #   BP4 δ^1 (a^0)^T: 2*30*784 = 47,040   δ^2 (a^1)^T: 2*10*30 = 600
    #   total 95,880 per example
    bench = load_script()
    assert bench.epoch_flops((784, 30, 10), 1) == 95_880
    assert bench.epoch_flops((784, 30, 10), 50_000) == 95_880 * 50_000
    # one hidden layer more adds its forward, BP2 and BP4 products
    #   layers 2*16*2 = 64, 2*16*16 = 512, 2*2*16 = 64: forward and BP4 each 640, BP2 576
    assert bench.epoch_flops((2, 16, 16, 2), 1) == 640 + 576 + 640


def test_quick_run_prints_the_whole_table():
    result = subprocess.run(
        [sys.executable, str(SCRIPT), "--quick", "--skip-libs", "--examples", "400"],
        capture_output=True,
        text=True,
        timeout=120,
        cwd=ROOT,
        # One BLAS thread: on a busy machine a 2-thread BLAS waits for the other
        # core on every small product; this test checks the script, not the speed.
        env={**os.environ, "OPENBLAS_NUM_THREADS": "1", "OMP_NUM_THREADS": "1", "MKL_NUM_THREADS": "1"},
    )
    assert result.returncode == 0, result.stderr
    out = result.stdout
    for heading in ("## Epoch time (s)", "## Throughput", "## Toy net", "## Memory", "## Targets"):
        assert heading in out, f"missing section {heading!r} in:\n{out}"
    rows = {line.split("|")[1].strip(): line for line in out.splitlines() if line.startswith("| bpcore")}
    assert {"bpcore matrix form (sgd_epoch)", "bpcore per-example loop (backward_loop)*"} <= set(rows)
    # three batch sizes, each a positive time in seconds with its [min-max]
    cells = re.findall(r"(\d+\.\d+) \[", rows["bpcore matrix form (sgd_epoch)"])
    assert len(cells) == 3 and all(float(c) > 0 for c in cells)
    assert "skipped (--skip-libs)" in out
    targets = [line for line in out.splitlines() if re.match(r"(PASS|FAIL|SKIP)  ", line)]
    assert len(targets) == 5, targets
