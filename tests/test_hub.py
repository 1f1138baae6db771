"""A class on a real JupyterHub: own servers, own copies of the series, no reaching into another's.

JupyterHub (from this venv) and configurable-http-proxy (hub/node_modules) serve
the class configuration hub/jupyterhub_config.py on 127.0.0.1, with a
shared-password login and servers run as local processes (tests/hub_test_config.py).
Three learners get their own JupyterLab, started in parallel; a fourth is allowed
but never starts one. Then

* every learner logs in with the password and lands in notebook 00 of their copy;
  a wrong password is refused, and so is anyone not in the hub's learners.txt, also
  someone taken off it since the last start; without learners.txt the class hub
  does not start, and says what to create;
* the servers have no terminals and run the class config's culling (their log says so);
* every learner's server has its own copy of the series (~/my-notebooks), made by
  the learner's own server process at start, the same tool start.sh uses;
* an edit survives a restart of the learner's server, and a deleted notebook comes
  back fresh (what the README tells learners to do);
* learner1, in the real browser, logs in through the hub, opens notebook 07 of their
  copy, runs it and moves the η slider; the loss text ends at the one bpcore computes;
* learner2 and learner3 run notebooks through their own kernels, in parallel, in
  their own folders, and print what the stored notebooks printed;
* learner1's token and learner1's cookies (browser and plain HTTP) cannot open, list
  or start learner2's or learner4's server or files, over HTTP.

SimpleLocalProcessSpawner runs every server as the hub's own Unix user, so this
is isolation over HTTP only; the README says what gives a class OS isolation.
Without JupyterHub, configurable-http-proxy, node or Chromium the tests skip
with a reason saying how to install them; in CI (CI=true) they fail.
"""

import configparser
import json
import os
import re
import subprocess
import threading
from pathlib import Path

import pytest

from tests import hub_support
from tests.browser_support import CHROMIUM_ARGS, EXECUTION, EXPLORER_NOTEBOOK_LAST_OUTPUT, OUTPUTS, \
    clear_all_outputs, explorer_loss_text, open_notebook, require_browser, run_all, save_failure_artifacts
from tests.ci import require

ROOT = Path(__file__).resolve().parent.parent
SERIES = sorted(p.name for p in (ROOT / "notebooks").glob("[0-9][0-9]_*.ipynb"))
LEARNERS = ["learner1", "learner2", "learner3"]
NEVER_STARTED = "learner4"
EXPLORER_NOTEBOOK = "07_training_on_toy_data.ipynb"
KERNEL_NOTEBOOKS = {"learner2": "02_output_error_bp1.ipynb", "learner3": "06_the_update_rule.ipynb"}
WAIT_MS = 90_000


@pytest.fixture(scope="module")
def hub(tmp_path_factory):
    require(hub_support.missing(), "the JupyterHub test")
    with hub_support.Hub(tmp_path_factory.mktemp("hub"), LEARNERS + [NEVER_STARTED]) as running:
        running.start_servers(LEARNERS)
        yield running


def _contents(hub, owner, path="", token_of=None):
    return hub.api("GET", f"/user/{owner}/api/contents/{path}", token=hub.token(token_of or owner))


def test_each_learner_logs_in_and_lands_in_notebook_00_of_their_own_jupyterlab(hub):
    for learner in LEARNERS:
        session, landed = hub.login_session(learner)
        assert landed.status_code == 200, (learner, landed.status_code, landed.url)
        assert landed.url == f"{hub.url}/user/{learner}/lab/tree/00_start_here.ipynb"
        listing = session.get(f"{hub.url}/user/{learner}/api/contents", timeout=60)  # by cookie
        assert listing.status_code == 200
        assert sorted(item["name"] for item in listing.json()["content"]) == SERIES
    _, refused = hub.login_session("learner1", password="not-the-password")
    assert refused.status_code == 403 and "/user/" not in refused.url


def test_only_the_learners_listed_may_log_in(hub):
    listed = (hub.run_dir / hub_support.LEARNERS_FILE).read_text(encoding="utf-8").split()
    assert NEVER_STARTED in listed and "stranger" not in listed
    session, answer = hub.login_session(NEVER_STARTED, follow=False)  # listed: logged in (not followed
    assert answer.status_code == 302, (answer.status_code, answer.text[:200])  # on, so no server starts)
    assert "jupyterhub-hub-login" in session.cookies
    _, refused = hub.login_session("stranger")  # the right password, but not on the list
    assert refused.status_code == 403 and "/user/" not in refused.url, (refused.status_code, refused.url)
    assert hub.api("GET", "/hub/api/users/stranger").status_code == 404


def test_a_name_taken_off_the_list_cannot_log_in_after_a_restart(tmp_path):
    require(hub_support.missing(), "the JupyterHub test")
    with hub_support.Hub(tmp_path, ["ada", "grace"]) as first:
        for name in ("ada", "grace"):
            assert first.login_session(name, follow=False)[1].status_code == 302, name  # 302: logged in
    with hub_support.Hub(tmp_path, ["ada"]) as second:  # the same database, learners.txt without grace
        assert second.login_session("ada", follow=False)[1].status_code == 302
        assert second.login_session("grace", follow=False)[1].status_code == 403


def test_without_a_list_of_learners_the_class_hub_does_not_start_and_says_what_to_create(tmp_path):
    require(hub_support.missing(), "the JupyterHub test")
    env = {k: v for k, v in os.environ.items() if k != hub_support.LEARNERS_VARIABLE}
    result = subprocess.run([str(hub_support.VENV_BIN / "jupyterhub"), "-f", str(hub_support.CLASS_CONFIG)],
                            cwd=tmp_path, env=env, capture_output=True, text=True, timeout=120)
    assert result.returncode != 0
    learners = tmp_path / "learners.txt"
    assert (f"bpcore class hub: nobody could log in: there is no list of learners, {learners}. "
            f"Write the username of each learner on a line of its own in {learners}") in result.stderr, result.stderr
    assert list(tmp_path.iterdir()) == []  # it stopped before making a database or starting a proxy


def test_servers_have_no_terminals_cull_idle_kernels_and_stop_when_idle(hub):
    learner, token = "learner1", hub.token("learner1")
    assert hub.api("GET", f"/user/{learner}/api/kernels", token=token).status_code == 200  # the control
    for method in ("GET", "POST"):
        r = hub.api(method, f"/user/{learner}/api/terminals", token=token)
        assert r.status_code == 404, (method, r.status_code, r.text[:200])
    hub_support.Kernel(hub, learner, SERIES[0]).close()  # a server logs its culling when it starts a kernel
    log = hub.log()
    assert "Culling kernels with idle durations > 3600 seconds at 300 second intervals ..." in log
    assert "Culling kernels even with connected clients" in log
    assert log.count("Will shut down after 3600 seconds with no kernels.") >= len(LEARNERS)
    assert "not recognized" not in log  # every option of the class config reached a real setting


def test_each_learner_gets_their_own_copy_of_the_series(hub):
    for learner in LEARNERS:
        r = _contents(hub, learner)
        assert r.status_code == 200, (learner, r.status_code)
        assert sorted(item["name"] for item in r.json()["content"]) == SERIES  # the copy is the root
        copy = hub.home(learner) / "my-notebooks"
        for name in SERIES:
            assert (copy / name).read_bytes() == (ROOT / "notebooks" / name).read_bytes()
    assert not (hub.home(NEVER_STARTED) / "my-notebooks").exists()  # made by the learner's server, at start
    pids = [hub.server_pid(learner) for learner in LEARNERS]
    assert len(set(pids)) == len(LEARNERS)


def test_edits_survive_a_restart_and_a_deleted_notebook_comes_back_fresh(hub):
    learner, edited, deleted = "learner3", SERIES[0], SERIES[-1]
    token = hub.token(learner)
    nb = _contents(hub, learner, edited).json()["content"]
    nb["cells"].append({"cell_type": "markdown", "metadata": {}, "source": "my own note", "id": "my-note"})
    r = hub.api("PUT", f"/user/{learner}/api/contents/{edited}", token=token,
                json={"type": "notebook", "format": "json", "content": nb})
    assert r.status_code == 200, (r.status_code, r.text)
    assert hub.api("DELETE", f"/user/{learner}/api/contents/{deleted}", token=token).status_code == 204

    hub.stop_server(learner)
    hub.start_servers([learner])

    cells = _contents(hub, learner, edited).json()["content"]["cells"]
    assert cells[-1]["source"] == "my own note"
    copy = hub.home(learner) / "my-notebooks"
    assert (copy / deleted).read_bytes() == (ROOT / "notebooks" / deleted).read_bytes()
    assert sorted(p.name for p in copy.glob("*.ipynb")) == SERIES


def _sanitizers():
    cfg = configparser.ConfigParser()
    cfg.read(ROOT / "tests" / "nbval_sanitize.cfg", encoding="utf-8")
    return [(re.compile(cfg[s]["regex"]), cfg[s]["replace"]) for s in cfg.sections()]


def _stored_stdout(cell, sanitizers) -> str:
    text = "".join(o.get("text", "") if isinstance(o.get("text"), str) else "".join(o.get("text", []))
                   for o in cell.get("outputs", []) if o.get("output_type") == "stream" and o["name"] == "stdout")
    for regex, replace in sanitizers:
        text = regex.sub(replace, text)
    return text


def _run_in_own_kernel(hub, learner, notebook) -> dict:
    """Every code cell of the learner's own copy, in a kernel of the learner's own server."""
    sanitizers = _sanitizers()
    nb = _contents(hub, learner, notebook).json()["content"]
    kernel = hub_support.Kernel(hub, learner, notebook)
    try:
        where = hub_support.stdout_of(kernel.execute(
            "import os, json, ipykernel.connect as c; "
            "print(os.getpid(), os.getcwd(), json.loads(c.get_connection_info())['transport'])")).split()
        trees = {name: {p.pid for p in hub.learner_processes(name)} for name in LEARNERS}  # while it runs
        mismatches, errors, checked = [], [], 0
        for index, cell in enumerate(nb["cells"]):
            tags = cell.get("metadata", {}).get("tags", [])
            if cell["cell_type"] != "code" or "nbval-skip" in tags:
                continue
            source = "".join(cell["source"]) if isinstance(cell["source"], list) else cell["source"]
            outputs = kernel.execute(source)
            failed = [o for o in outputs if o["output_type"] == "error"]
            if failed and "raises-exception" not in tags:
                errors.append((index, failed))
            if "nbval-ignore-output" not in tags:
                fresh = hub_support.stdout_of(outputs)
                for regex, replace in sanitizers:
                    fresh = regex.sub(replace, fresh)
                checked += 1
                if fresh != _stored_stdout(cell, sanitizers):
                    mismatches.append((index, fresh, _stored_stdout(cell, sanitizers)))
    finally:
        kernel.close()
    return {"pid": int(where[0]), "cwd": where[1], "transport": where[2], "trees": trees, "errors": errors,
            "mismatches": mismatches, "checked": checked}


def test_learners_run_notebooks_through_their_own_kernels(hub):
    results, failures = {}, {}

    def work(learner):
        try:
            results[learner] = _run_in_own_kernel(hub, learner, KERNEL_NOTEBOOKS[learner])
        except BaseException as exc:  # noqa: BLE001 - reported below
            failures[learner] = exc

    threads = [threading.Thread(target=work, args=(learner,)) for learner in KERNEL_NOTEBOOKS]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert not failures, failures
    for learner, result in results.items():
        assert result["errors"] == [], (learner, result["errors"])
        assert result["mismatches"] == [], (learner, result["mismatches"])
        assert result["checked"] >= 5
        assert Path(result["cwd"]) == (hub.home(learner) / "my-notebooks").resolve()
        assert result["transport"] == "ipc"  # no TCP port for another's kernel to take (hub_test_config.py)
        owners = [name for name, pids in result["trees"].items() if result["pid"] in pids]
        assert owners == [learner]  # the kernel is a child of this learner's server and of no other


def test_a_learner_in_the_browser_runs_notebook_07_and_moves_eta(hub, tmp_path):
    chromium = require_browser()
    from playwright.sync_api import expect, sync_playwright

    expect.set_options(timeout=WAIT_MS)
    learner = "learner1"
    n_cells = len(json.loads((ROOT / "notebooks" / EXPLORER_NOTEBOOK).read_text(encoding="utf-8"))["cells"])
    first, second = explorer_loss_text(0.1), explorer_loss_text(10 ** -0.5)  # PageUp = 5 steps of 0.1 in log10 η
    assert first != second
    page, step = None, "start"
    with sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=chromium, headless=True, args=CHROMIUM_ARGS,
                                     env={"HOME": str(tmp_path / "browser-home"), "PATH": "/usr/bin:/bin"})
        try:
            page = browser.new_page(viewport={"width": 1400, "height": 1000})
            page.set_default_timeout(WAIT_MS)
            step = "login"
            hub_support.login(page, hub, learner)

            step = "open"
            open_notebook(page, f"{hub.url}/user/{learner}/lab/tree/{EXPLORER_NOTEBOOK}", n_cells)
            clear_all_outputs(page)
            step = "run-all"
            run_all(page)
            expect(page.locator(OUTPUTS, has_text=EXPLORER_NOTEBOOK_LAST_OUTPUT)).to_have_count(1)
            expect(page.locator(EXECUTION)).to_have_attribute("data-status", "idle")
            explorer = page.locator(".bp-explorer")
            loss = explorer.locator(".bp-loss-text")
            expect(loss).to_have_text(first)

            step = "page-up"
            explorer.locator(".bp-eta [role=slider]").focus()
            page.keyboard.press("PageUp")
            expect(loss).to_have_text(second)
            expect(explorer.locator(".bp-eta .widget-readout")).to_have_text("0.316")
            expect(explorer.locator(".bp-status-error")).to_have_count(0)

            step = "isolation-cookies"  # the same browser, learner1's cookies, learner2's server
            assert page.request.get(f"{hub.url}/user/{learner}/api/contents").status == 200
            for path in ("api/contents", f"api/contents/{SERIES[0]}", "api/kernels", f"files/{SERIES[0]}"):
                r = page.request.get(f"{hub.url}/user/learner2/{path}")  # redirects (OAuth) followed
                assert r.status == 403 and "nbformat" not in r.text(), (path, r.status)
            other = page.goto(f"{hub.url}/user/learner2/lab")
            assert other.status == 403, other.status
            assert "You do not have permission" in page.content()
        except BaseException:
            saved = save_failure_artifacts(page, hub, f"hub-{step}", log_name="jupyterhub")
            print(f"hub browser test failed at step {step!r}; artifacts: {[str(p) for p in saved]}")
            raise
        finally:
            browser.close()


def _refused(response) -> bool:
    return response.status_code in (403, 404)


def test_a_learner_cannot_open_list_or_start_another_learners_server_or_files(hub):
    import websocket

    mine, theirs = hub.token("learner1"), hub.token("learner2")
    # controls: the same requests with the right token succeed, so a refusal below means something
    assert _contents(hub, "learner1").status_code == 200
    assert hub.api("GET", "/hub/api/users/learner1", token=mine).status_code == 200
    assert hub.api("GET", f"/user/learner2/api/contents/{SERIES[0]}", token=theirs).status_code == 200
    kernel = hub_support.Kernel(hub, "learner2", SERIES[0], token=theirs)
    try:
        kernels_before = hub.api("GET", "/user/learner2/api/kernels", token=theirs).json()
        for method, path in [
            ("GET", "/user/learner2/api/contents"),                    # list their files
            ("GET", f"/user/learner2/api/contents/{SERIES[0]}"),       # open one
            ("GET", f"/user/learner2/files/{SERIES[0]}"),              # download one
            ("GET", "/user/learner2/lab"),                             # open their JupyterLab
            ("GET", "/user/learner2/api/kernels"),                     # list their kernels
            ("GET", "/user/learner2/api/sessions"),
            ("POST", "/user/learner2/api/kernels"),                    # start a kernel on their server
            ("DELETE", f"/user/learner2/api/kernels/{kernel.id}"),     # stop theirs
            ("PUT", "/user/learner2/api/contents/planted.ipynb"),      # write a file
            ("GET", "/hub/api/users"),                                 # list the learners
            ("GET", "/hub/api/users/learner2"),                        # see another learner
            ("POST", f"/hub/api/users/{NEVER_STARTED}/server"),        # start another's server
            ("DELETE", "/hub/api/users/learner2/server"),              # stop another's server
            ("POST", "/hub/api/users/learner2/tokens"),                # get a token as them
        ]:
            body = {"type": "notebook", "content": {"cells": []}} if method == "PUT" else {}
            r = hub.api(method, path, token=mine, json=body)
            assert _refused(r), (method, path, r.status_code, r.text[:200])
        cookies, _ = hub.login_session("learner1")  # learner1 logged in: their cookies, learner2's server
        assert cookies.get(f"{hub.url}/user/learner1/api/contents", timeout=60).status_code == 200
        for path in ("api/contents", f"api/contents/{SERIES[0]}", "api/kernels", f"files/{SERIES[0]}", "lab"):
            r = cookies.get(f"{hub.url}/user/learner2/{path}", timeout=60)  # redirects (OAuth) followed
            assert r.status_code == 403 and "nbformat" not in r.text, (path, r.status_code, r.url)
        ws_url = hub.url.replace("http://", "ws://") + f"/user/learner2/api/kernels/{kernel.id}/channels"
        with pytest.raises(websocket.WebSocketBadStatusException) as refused:
            websocket.create_connection(ws_url, header=[f"Authorization: token {mine}"], timeout=30)
        assert refused.value.status_code == 403
        # nothing happened on their side
        ids = lambda kernels: sorted(k["id"] for k in kernels)  # noqa: E731 (their state may move on)
        assert ids(hub.api("GET", "/user/learner2/api/kernels", token=theirs).json()) == ids(kernels_before)
        assert not (hub.home("learner2") / "my-notebooks" / "planted.ipynb").exists()
        assert hub.user("learner2")["servers"][""]["ready"]
        assert hub.user(NEVER_STARTED)["servers"] == {}
    finally:
        kernel.close()
