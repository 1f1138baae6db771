"""The class hub (hub/jupyterhub_config.py) on 127.0.0.1, for tests/test_hub.py and the benchmark.

Loads the class configuration unchanged (who may log in comes from its list of
learners, learners.txt in the hub's folder, which tests/hub_support.py writes),
then adds only what a test needs: three free loopback ports, a state folder, a
shared-password login, one home per learner under HUB_USERS_DIR, servers started
as local processes of the hub's own user, kernels that talk over Unix sockets in
a runtime folder per learner under HUB_RUNTIME_DIR (tests/kernel_support.py says
why), and an admin service token for the test. Every value comes from the environment that tests/hub_support.py sets.
"""

import os
from pathlib import Path

c = get_config()  # noqa: F821 - provided by JupyterHub

CLASS_CONFIG = Path(os.environ["HUB_CLASS_CONFIG"])
load_subconfig(CLASS_CONFIG.name, str(CLASS_CONFIG.parent))  # noqa: F821 - provided by JupyterHub
if not c.Spawner.cmd:  # load_subconfig skips a missing file silently
    raise RuntimeError(f"the class configuration {CLASS_CONFIG} did not load")

state = os.environ["HUB_STATE_DIR"]

c.JupyterHub.bind_url = f"http://127.0.0.1:{os.environ['HUB_PORT']}"
c.JupyterHub.hub_ip = "127.0.0.1"
c.JupyterHub.hub_port = int(os.environ["HUB_INTERNAL_PORT"])
c.ConfigurableHTTPProxy.api_url = f"http://127.0.0.1:{os.environ['HUB_PROXY_API_PORT']}"
c.ConfigurableHTTPProxy.auth_token = os.environ["CONFIGPROXY_AUTH_TOKEN"]
c.ConfigurableHTTPProxy.pid_file = os.path.join(state, "proxy.pid")
c.ConfigurableHTTPProxy.should_start = True

c.JupyterHub.db_url = "sqlite:///" + os.path.join(state, "jupyterhub.sqlite")
c.JupyterHub.cookie_secret_file = os.path.join(state, "jupyterhub_cookie_secret")
c.JupyterHub.pid_file = os.path.join(state, "jupyterhub.pid")
c.JupyterHub.cleanup_servers = True
c.JupyterHub.cleanup_proxy = True

c.JupyterHub.authenticator_class = "shared-password"
c.SharedPasswordAuthenticator.user_password = os.environ["HUB_LEARNER_PASSWORD"]
if "allowed_users" not in c.Authenticator:
    raise RuntimeError("the class configuration set no allowed users: the test's learners.txt was not read")

c.JupyterHub.services = [{"name": "classroom-test", "api_token": os.environ["HUB_ADMIN_TOKEN"]}]
c.JupyterHub.load_roles = [{
    "name": "classroom-test-role",
    "scopes": ["admin:users", "admin:servers", "admin:server_state", "tokens", "list:users",
               "read:users", "shutdown"],
    "services": ["classroom-test"],
}]

c.JupyterHub.spawner_class = "simple"
c.SimpleLocalProcessSpawner.home_dir_template = os.path.join(os.environ["HUB_USERS_DIR"], "{username}")
c.Spawner.port = 0
# Every server runs as the hub's user here; as root, JupyterLab refuses to start without this.
c.Spawner.args = list(c.Spawner.args) + (["--allow-root"] if os.geteuid() == 0 else [])
# Kernels over Unix sockets (a TCP port can be taken between being picked and being bound when
# learners start kernels at once); their connection files and sockets in a short folder per learner.
c.Spawner.args = list(c.Spawner.args) + ["--KernelManager.transport=ipc"]
c.Spawner.environment = dict(c.Spawner.environment) if "environment" in c.Spawner else {}
c.Spawner.environment["JUPYTER_RUNTIME_DIR"] = lambda spawner: os.path.join(
    os.environ["HUB_RUNTIME_DIR"], spawner.user.name)
