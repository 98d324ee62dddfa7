"""Running the project as real processes on 127.0.0.1: free ports, an environment that
inherits none of the project's variables from the caller, and a throwaway production-like
site in a temporary folder (its own SQLite database, media and collected static files,
`manage.py` commands, Gunicorn with the project's gunicorn.conf.py).

The one home of these helpers: deploy/topology.py, the tests (through tests/servers.py)
and the benchmarks in bench/ all use them. Deployment code never imports the test suite.
"""

import atexit
import contextlib
import fcntl
import os
import secrets
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request
from pathlib import Path

PROJECT = Path(__file__).resolve().parent.parent
PYTHON = sys.executable
GUNICORN = Path(sys.executable).with_name("gunicorn")

# Variables this project reads: a test site never inherits them from the caller by accident.
PROJECT_VARIABLES = {
    "DEBUG", "SECRET_KEY", "ALLOWED_HOSTS", "CSRF_TRUSTED_ORIGINS", "DATABASE_URL", "CACHE_URL",
    "MEDIA_ROOT", "PRIVATE_MEDIA_ROOT", "MEDIA_STORAGE", "STATIC_ROOT", "BACKUP_DIR", "ADMIN_URL",
    "SECURE_SSL_REDIRECT", "SECURE_PROXY_SSL_HEADER", "SECURE_HSTS_SECONDS",
    "SECURE_HSTS_INCLUDE_SUBDOMAINS", "SECURE_HSTS_PRELOAD", "SESSION_COOKIE_SECURE",
    "CSRF_COOKIE_SECURE", "GUNICORN_BIND", "WEB_CONCURRENCY", "DJANGO_SETTINGS_MODULE",
    "TRUSTED_PROXY_COUNT", "TRUSTED_PROXIES", "CONSENT_RATE_LIMIT", "SENTRY_DSN", "BACKUP_SIGNING_KEY",
    "PENDING_UPLOADS_DIR",
    # Set by tests/conftest.py for Playwright; never in a deployment.
    "DJANGO_ALLOW_ASYNC_UNSAFE",
}

# What `prepare` writes depends only on the code and on where the site keeps its data: a
# site given any of these variables is prepared from scratch, every other one is a copy of
# the first site this process prepared the same way (TemporarySite.prepare).
STORE_VARIABLES = {
    "DATABASE_URL", "MEDIA_ROOT", "PRIVATE_MEDIA_ROOT", "MEDIA_STORAGE", "STATIC_ROOT",
    "PENDING_UPLOADS_DIR", "DJANGO_SETTINGS_MODULE",
}
# {(seed, static): folder of a prepared site} of this process.
_prepared_sites = {}
# A folder where the processes of one run (a test suite's workers) share their prepared
# sites: each kind is prepared once for all of them, under a lock. Without it, each process
# prepares its own.
SHARED_PREPARED_SITES = "REPORTSITE_PREPARED_SITES"


def _link_or_copy(source, destination):
    try:
        os.link(source, destination)
    except OSError:  # another file system
        shutil.copy2(source, destination)


def free_ports(count):
    """`count` different TCP ports on 127.0.0.1 that nothing listens on now (the OS picks
    them), so that test suites and benchmarks running side by side on one machine never
    collide. They are picked together: a port probed and released can be handed out again
    by the next probe (a topology once got the same port for nginx and an app server)."""
    with contextlib.ExitStack() as probes:
        ports = []
        for _ in range(count):
            probe = probes.enter_context(socket.socket(socket.AF_INET, socket.SOCK_STREAM))
            probe.bind(("127.0.0.1", 0))
            ports.append(probe.getsockname()[1])
        return ports


def free_port():
    """One port as `free_ports` picks them: for a process that needs only one."""
    return free_ports(1)[0]


def read_env_file(path):
    """The KEY=VALUE lines of a .env file (comments and blank lines skipped)."""
    values = {}
    for line in Path(path).read_text().splitlines():
        line = line.strip()
        if line and not line.startswith("#"):
            key, _, value = line.partition("=")
            values[key.strip()] = value.strip()
    return values


def generated_secret_key():
    return secrets.token_urlsafe(50)


def environment_without_project_variables():
    """The caller's environment minus every variable this project reads."""
    return {key: value for key, value in os.environ.items() if key not in PROJECT_VARIABLES}


class TemporarySite:
    """A site whose database, media, static files and backups live in `folder`."""

    def __init__(self, folder, **variables):
        self.folder = Path(folder)
        self.folder.mkdir(parents=True, exist_ok=True)
        self.database = self.folder / "db.sqlite3"
        self.env = environment_without_project_variables()
        self.env.update(
            DEBUG="false",
            SECRET_KEY=generated_secret_key(),
            DATABASE_URL=f"sqlite:///{self.database}",
            MEDIA_ROOT=str(self.folder / "media"),
            PRIVATE_MEDIA_ROOT=str(self.folder / "private-media"),
            STATIC_ROOT=str(self.folder / "static"),
            BACKUP_DIR=str(self.folder / "backups"),
            BACKUP_SIGNING_KEY=generated_secret_key(),
            PENDING_UPLOADS_DIR=str(self.folder / "pending-uploads"),
        )
        # Keep the caller's cache (Redis in CI's second run) unless told otherwise.
        if "CACHE_URL" in os.environ:
            self.env["CACHE_URL"] = os.environ["CACHE_URL"]
        self.env.update({key: str(value) for key, value in variables.items()})
        self.own_stores = bool(STORE_VARIABLES & set(variables))

    def manage(self, *arguments, check=True, timeout=120):
        result = subprocess.run(
            [PYTHON, "manage.py", *arguments],
            cwd=PROJECT,
            env=self.env,
            capture_output=True,
            text=True,
            timeout=timeout,
        )
        if check and result.returncode != 0:
            raise AssertionError(
                f"manage.py {' '.join(arguments)} failed ({result.returncode}):\n{result.stderr}"
            )
        return result

    def prepare(self, seed=True, static=True):
        """Migrate, load the seed content (`seed`) and collect the static files (`static`).

        A process prepares one site of each kind for real, in a folder of its own, and
        copies it into every later site of that kind (a third of a minute less each): the
        database, media and private media as copies, the collected static files (which no
        site changes) as hard links. Modes are kept (the database and the private store are
        the owner's alone). Sites that name where their data lives prepare from scratch.
        """
        if self.own_stores or any(self.folder.iterdir()):
            return self._prepare_here(self, seed, static)
        kind = (seed, static)
        template = _prepared_sites.get(kind)
        if template is None or not template.is_dir():
            _prepared_sites[kind] = template = self._template(seed, static)
        for item in template.iterdir():
            if item.name == "static":
                shutil.copytree(item, self.folder / item.name, copy_function=_link_or_copy)
            elif item.is_dir():
                shutil.copytree(item, self.folder / item.name)
            else:
                shutil.copy2(item, self.folder / item.name)
        return self

    def _template(self, seed, static):
        """A prepared site of this kind to copy: the run's shared one (prepared by whichever
        process asks first, while the others wait for it), or one of this process's own."""
        shared = os.environ.get(SHARED_PREPARED_SITES)
        if not shared:
            folder = Path(tempfile.mkdtemp(prefix="reportsite-prepared-"))
            atexit.register(shutil.rmtree, folder, ignore_errors=True)
            self._prepare_here(TemporarySite(folder), seed, static)
            return folder
        folder = Path(shared) / f"seed-{int(seed)}-static-{int(static)}"
        ready = folder.with_name(folder.name + ".ready")
        with open(folder.with_name(folder.name + ".lock"), "w") as lock:
            fcntl.flock(lock, fcntl.LOCK_EX)
            if not ready.exists():
                shutil.rmtree(folder, ignore_errors=True)
                folder.mkdir(parents=True)
                self._prepare_here(TemporarySite(folder), seed, static)
                ready.touch()
        return folder

    def _prepare_here(self, site, seed, static):
        site.manage("migrate", "--noinput", "-v0")
        if seed:
            site.manage("load_seed_content")
        if static:
            site.manage("collectstatic", "--noinput", "-v0")
        return self

    @contextlib.contextmanager
    def gunicorn(self, port, workers=2, host_header=None, headers=None, log=None, errors=None):
        """Serve the site with gunicorn.conf.py on 127.0.0.1:port until the block ends.

        Its output goes to `log` (default: gunicorn.log in the folder); its standard error
        goes there too unless `errors` names a file of its own.
        """
        if not GUNICORN.exists():
            raise AssertionError(f"Gunicorn is not installed at {GUNICORN}.")
        env = {**self.env, "GUNICORN_BIND": f"127.0.0.1:{port}", "WEB_CONCURRENCY": str(workers)}
        output = open(log or self.folder / "gunicorn.log", "ab")
        error_output = open(errors, "ab") if errors else None
        process = subprocess.Popen(
            [str(GUNICORN)],
            cwd=PROJECT,
            env=env,
            stdout=output,
            stderr=error_output or subprocess.STDOUT,
        )
        try:
            self._wait_until_serving(process, port, host_header, headers or {})
            yield process
        finally:
            process.send_signal(signal.SIGTERM)
            try:
                process.wait(timeout=20)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait()
            output.close()
            if error_output:
                error_output.close()

    def _wait_until_serving(self, process, port, host_header, headers):
        deadline = time.monotonic() + 30
        request = urllib.request.Request(f"http://127.0.0.1:{port}/healthz", headers=headers)
        if host_header:
            request.add_header("Host", host_header)
        while time.monotonic() < deadline:
            if process.poll() is not None:
                log = (self.folder / "gunicorn.log").read_text(errors="replace")
                raise AssertionError(f"Gunicorn stopped (exit {process.returncode}):\n{log[-3000:]}")
            try:
                with urllib.request.urlopen(request, timeout=2):
                    return
            except urllib.error.HTTPError:
                return  # it answers; what it answers is for the caller to check
            except (urllib.error.URLError, ConnectionError, TimeoutError):
                time.sleep(0.1)
        raise AssertionError(f"Gunicorn did not answer on port {port} within 30 s.")
