"""Real-browser test of the training explorer in notebook 07.

JupyterLab serves a temporary copy of the notebook; Debian's Chromium (headless,
driven by Playwright) opens it, runs all cells, moves the learning-rate slider
with the keyboard (PageUp, then PageDown) and checks that

* the loss text ends at exactly the text bpcore.explorer computes for the new η
  (each key press retrains, so intermediate texts appear; we wait for the final one),
* the plot's pixels change,
* moving back restores the first text (η changes restart from the same initial weights),
* Pause stops a long (2000-epoch) run while it streams, and Step then trains one more epoch,
* the maths pane is typeset and no error or traceback is shown anywhere.

Screenshots and the server log go to test-artifacts/browser/ when it fails.
Without Chromium the test skips with a reason saying how to install it, except
in CI (CI=true), where it fails. The key-press latencies are written to
test-artifacts/browser/latency.txt.
"""

from pathlib import Path

from bpcore.explorer import Run, Settings, loss_text
from tests.browser_support import ARTIFACTS, CHROMIUM_ARGS, EXECUTION, OUTPUTS, LabServer, clear_all_outputs, \
    explorer_loss_text, open_notebook, require_browser, run_all, save_failure_artifacts

NOTEBOOK = Path(__file__).resolve().parent.parent / "notebooks" / "07_training_on_toy_data.ipynb"
WAIT_MS = 90_000  # selector waits on a loaded 2-core machine (never sleeps)


# Records, in the page, when the key went down and when the plot and the loss text first changed
# after it (MutationObserver: exact, unlike polling). __bpLatency() returns seconds.
WATCH_JS = """() => {
  const root = document.querySelector('.bp-explorer');
  const text = root.querySelector('.bp-loss-text'), plot = root.querySelector('.bp-plot');
  const w = window.__bpWatch = {t0: null, frame: null, text: null, final: null};
  document.addEventListener('keydown', () => { if (w.t0 === null) w.t0 = performance.now(); },
                            {capture: true, once: true});
  new MutationObserver(() => { if (w.t0 !== null && w.frame === null) w.frame = performance.now(); })
    .observe(plot, {attributes: true, subtree: true, childList: true});
  new MutationObserver(() => {
    if (w.t0 === null) return;
    const now = performance.now();
    if (w.text === null) w.text = now;
    w.final = now;
  }).observe(text, {subtree: true, childList: true, characterData: true});
  window.__bpLatency = () => ({frame: w.frame === null ? null : (w.frame - w.t0) / 1000,
                               text: (w.text - w.t0) / 1000, final: (w.final - w.t0) / 1000});
}"""


def test_learning_rate_slider_retrains_in_the_browser(tmp_path):
    chromium = require_browser()
    from playwright.sync_api import expect, sync_playwright

    expect.set_options(timeout=WAIT_MS)
    import json

    n_cells = len(json.loads(NOTEBOOK.read_text(encoding="utf-8"))["cells"])
    first, second = explorer_loss_text(0.1), explorer_loss_text(10 ** -0.5)  # PageUp = 5 steps of 0.1 in log10 η
    assert first != second

    page = server = None
    step = "start"
    try:
        with LabServer(tmp_path, [NOTEBOOK]) as server, sync_playwright() as pw:
            browser = pw.chromium.launch(executable_path=chromium, headless=True, args=CHROMIUM_ARGS)
            try:
                page = browser.new_page(viewport={"width": 1400, "height": 1000})
                page.set_default_timeout(WAIT_MS)

                step = "open"
                open_notebook(page, server.notebook_url(NOTEBOOK.name), n_cells)

                step = "clear-outputs"  # so stale stored outputs cannot satisfy the waits below
                clear_all_outputs(page)

                step = "run-all"
                run_all(page)
                # The last cell prints "best eta:"; it appears only when every cell has run.
                expect(page.locator(OUTPUTS, has_text="best eta:")).to_have_count(1)
                expect(page.locator(EXECUTION)).to_have_attribute("data-status", "idle")
                explorer = page.locator(".bp-explorer")
                expect(explorer).to_have_count(1)
                loss = explorer.locator(".bp-loss-text")
                expect(loss).to_have_text(first)
                plot = explorer.locator(".bp-plot")
                expect(plot).to_be_visible()
                expect(explorer.locator(".bp-maths mjx-container").first).to_be_attached()
                pixels_before = plot.screenshot()

                step = "page-up"
                page.evaluate(WATCH_JS)
                handle = explorer.locator(".bp-eta [role=slider]")
                handle.focus()
                page.keyboard.press("PageUp")
                expect(loss).to_have_text(second)
                up = page.evaluate("window.__bpLatency()")
                expect(explorer.locator(".bp-eta .widget-readout")).to_have_text("0.316")
                expect(explorer.locator(".bp-status")).to_contain_text("Done: 100 epochs with η = 0.316")
                pixels_after = plot.screenshot()
                assert pixels_after != pixels_before, "the plot did not change after moving η"

                step = "page-down"
                page.evaluate(WATCH_JS)
                page.keyboard.press("PageDown")
                expect(loss).to_have_text(first)  # restart mode: same initial weights, same numbers
                down = page.evaluate("window.__bpLatency()")
                expect(explorer.locator(".bp-status")).to_contain_text("Done: 100 epochs with η = 0.1")

                step = "pause"  # Pause must act while a long run streams (ticks on the kernel's event loop)
                explorer.locator(".bp-epochs [role=slider]").focus()
                page.keyboard.press("End")  # 2000 epochs: retrains, long enough to interrupt
                expect(loss).to_contain_text("/2000 ·")
                explorer.locator(".bp-pause").click()
                status = explorer.locator(".bp-status")
                expect(status).to_contain_text("Paused at epoch")
                paused_at = int(status.inner_text().split("Paused at epoch ")[1].split(".")[0])
                assert 0 < paused_at < 2000
                expect(loss).to_contain_text(f"epoch {paused_at}/2000 ·")
                explorer.locator(".bp-step").click()
                expect(status).to_have_text(f"Stepped to epoch {paused_at + 1}.")

                step = "no-errors"
                expect(explorer.locator(".bp-status-error")).to_have_count(0)
                expect(page.locator(".jp-OutputArea-output[data-mime-type='application/vnd.jupyter.stderr']")
                       ).to_have_count(0)
                assert "Traceback" not in page.locator(".jp-Notebook").inner_text()
                assert "Something went wrong" not in explorer.inner_text()

                ARTIFACTS.mkdir(parents=True, exist_ok=True)
                assert up["frame"] is not None and down["frame"] is not None
                (ARTIFACTS / "latency.txt").write_text("".join(
                    f"{key}: key -> first new plot {r['frame']:.3f} s, first new loss text {r['text']:.3f} s, "
                    f"final loss text {r['final']:.3f} s\n" for key, r in (("PageUp", up), ("PageDown", down))),
                    encoding="utf-8")
            except BaseException:
                saved = save_failure_artifacts(page, server, step)
                print(f"browser test failed at step {step!r}; artifacts: {[str(p) for p in saved]}")
                raise
            finally:
                browser.close()
    except BaseException:
        if page is None and server is not None:  # failed before a page existed: keep the server log
            save_failure_artifacts(None, server, step)
        raise
