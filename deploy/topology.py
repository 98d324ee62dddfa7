"""The production topology on one machine: nginx in front of two Gunicorn app servers that
share PostgreSQL, Redis and an S3 bucket, every part a real server process on 127.0.0.1.

The several-servers tests (tests/test_operator_runs_several_servers.py), the fault
benchmarks (bench/faults.py) and operators who want to try the production recipe of docs/operators.md
all start it from here:

    .venv/bin/python deploy/topology.py          # serve until Ctrl-C, printing the addresses

Needs Debian's nginx (plus libnginx-mod-http-brotli-filter for Brotli), postgresql and
redis-server, and `pip install -r requirements-dev.txt` (moto's S3 server, django-storages).
Every port comes from the OS (free ports), every file lives in one temporary folder, and
nothing outlives `stop()`. PostgreSQL refuses to run as root, so as root its cluster is
run as the `postgres` user (as .ci/run does). A part that is missing is an error, never a
silent fallback: the caller asked for this topology, not a smaller one.
"""

import contextlib
import glob
import os
import re
import secrets
import shutil
import signal
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request
from pathlib import Path

PROJECT = Path(__file__).resolve().parent.parent
if str(PROJECT) not in sys.path:  # run as a script: `python deploy/topology.py`
    sys.path.insert(0, str(PROJECT))

from deploy.processes import (  # noqa: E402
    PROJECT_VARIABLES,
    environment_without_project_variables,
    free_ports,
    generated_secret_key,
)

PYTHON = sys.executable
BIN = Path(sys.executable).parent
NGINX_TEMPLATE = PROJECT / "deploy" / "nginx.conf.in"
BROTLI_MODULE = Path("/usr/lib/nginx/modules/ngx_http_brotli_filter_module.so")
BROTLI_DIRECTIVES = """\
    brotli on;
    brotli_comp_level 5;
    brotli_types text/css text/javascript application/javascript application/json
        application/ld+json application/manifest+json image/svg+xml application/xml
        text/xml application/atom+xml application/rss+xml text/plain;"""
BUCKET = "reportsite-media"
PUBLIC_PREFIX = "published"
PUBLIC_READ_POLICY = (
    '{"Version":"2012-10-17","Statement":[{"Sid":"PublishedMediaOnly","Effect":"Allow",'
    f'"Principal":"*","Action":"s3:GetObject","Resource":"arn:aws:s3:::{BUCKET}/{PUBLIC_PREFIX}/*"}}]}}'
)
S3_KEY = "topology-test-key"


class TopologyError(AssertionError):
    """A part could not be started; the message says which and why."""


def _need(program):
    path = shutil.which(program)
    if not path:
        raise TopologyError(f"{program} is not installed (Debian: apt-get install {program}).")
    return path


def _postgres_bin():
    found = sorted(glob.glob("/usr/lib/postgresql/*/bin/initdb"))
    if not found:
        raise TopologyError("PostgreSQL is not installed (Debian: apt-get install postgresql).")
    return Path(found[-1]).parent


def _wait(what, ready, process=None, log=None, seconds=30):
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if process is not None and process.poll() is not None:
            tail = Path(log).read_text(errors="replace")[-3000:] if log else ""
            raise TopologyError(f"{what} stopped (exit {process.returncode}):\n{tail}")
        with contextlib.suppress(Exception):
            if ready():
                return
        time.sleep(0.1)
    raise TopologyError(f"{what} was not ready within {seconds} s.")


def _answer(url, timeout=2):
    """The status of a GET of `url` and the server that answered (its Server header)."""
    try:
        with urllib.request.urlopen(url, timeout=timeout) as response:
            return response.status, response.headers.get("Server")
    except urllib.error.HTTPError as error:
        return error.code, error.headers.get("Server")


def _http_status(url, timeout=2):
    return _answer(url, timeout)[0]


class Topology:
    """Start with `start()` (or `with Topology() as topology:`), stop with `stop()`.

    `topology.url(path)` is the address visitors use (nginx). The fault controls
    (`kill_app`, `stop_redis`, `restart_postgres`, `stop_s3`, ...) stop and start single
    parts while the others keep running.
    """

    def __init__(self, folder=None, app_servers=2, workers=2, **variables):
        self._own_folder = folder is None
        self.folder = Path(folder or tempfile.mkdtemp(prefix="reportsite-topology-"))
        self.folder.mkdir(parents=True, exist_ok=True)
        self.folder.chmod(0o755)  # PostgreSQL's user must reach its cluster inside
        self.app_count, self.workers = app_servers, workers
        nginx, postgres, redis, s3, *apps = free_ports(4 + app_servers)
        self.ports = {"nginx": nginx, "postgres": postgres, "redis": redis, "s3": s3, "apps": apps}
        self.processes = {}
        self.apps = [None] * app_servers
        self.postgres_bin = None
        self.as_postgres = os.geteuid() == 0
        origin = f"http://127.0.0.1:{self.ports['nginx']}"
        self.origin = origin
        self.database_url = (
            f"postgres://reportsite:topology@127.0.0.1:{self.ports['postgres']}/reportsite"
        )
        # Redis asks for a password, as it must in production (reportsite.rediscache).
        self.redis_password = secrets.token_urlsafe(24)
        self.env = environment_without_project_variables()
        self.env.update(
            DEBUG="false",
            # One key for every app server: a session or CSRF token made by A is valid on B.
            SECRET_KEY=generated_secret_key(),
            CONSENT_HASH_KEY=generated_secret_key(),
            ALLOWED_HOSTS="127.0.0.1,localhost",
            SITE_URL=origin,
            CSRF_TRUSTED_ORIGINS=origin,
            DATABASE_URL=f"{self.database_url}?conn_max_age=60&conn_health_checks=true",
            CACHE_URL=f"redis://:{self.redis_password}@127.0.0.1:{self.ports['redis']}/0",
            MEDIA_STORAGE="s3",
            AWS_STORAGE_BUCKET_NAME=BUCKET,
            AWS_S3_ENDPOINT_URL=f"http://127.0.0.1:{self.ports['s3']}",
            AWS_S3_REGION_NAME="us-east-1",
            AWS_S3_ADDRESSING_STYLE="path",
            AWS_ACCESS_KEY_ID=S3_KEY,
            AWS_SECRET_ACCESS_KEY=S3_KEY,
            STATIC_ROOT=str(self.folder / "static"),
            BACKUP_DIR=str(self.folder / "backups"),
            BACKUP_SIGNING_KEY=generated_secret_key(),
            # nginx is the one proxy in front: it writes X-Forwarded-For and -Proto.
            TRUSTED_PROXY_COUNT="1",
            TRUSTED_PROXIES="127.0.0.1",
            GUNICORN_FORWARDED_ALLOW_IPS="127.0.0.1",
            # Plain HTTP on loopback; a real deployment terminates TLS in nginx.
            CONSENT_COOKIE_SECURE="false",
            # nginx logs every request (its access log): one line per request is enough.
            GUNICORN_ACCESS_LOG="off",
        )
        self.env.update({key: str(value) for key, value in variables.items()})

    # -- the whole topology ---------------------------------------------------------------

    def __enter__(self):
        return self.start()

    def __exit__(self, *exc_info):
        self.stop()

    def start(self, seed=True):
        try:
            self.start_postgres(initialise=True)
            self.start_redis()
            self.start_s3(create_bucket=True)
            self.manage("migrate", "--noinput", "-v0")
            if seed:
                self.manage("load_seed_content")
            self.manage("collectstatic", "--noinput", "-v0")
            for index in range(self.app_count):
                self.start_app(index)
            self.start_worker()
            self.start_nginx()
        except BaseException:
            self.stop()
            raise
        return self

    def stop(self):
        for index in range(self.app_count):
            self.kill_app(index, signal.SIGTERM)
        for name in ("nginx", "worker", "s3", "redis"):
            self._stop_process(name)
        if self.postgres_bin and (self.folder / "pg").is_dir():
            self._as_postgres(
                [self.postgres_bin / "pg_ctl", "-D", self.folder / "pg", "-m", "immediate",
                 "-w", "stop"], check=False,
            )
        if self._own_folder:
            shutil.rmtree(self.folder, ignore_errors=True)

    def url(self, path=""):
        return self.origin + path

    def app_url(self, index, path=""):
        """One app server directly, bypassing nginx (for checks, not for visitors)."""
        return f"http://127.0.0.1:{self.ports['apps'][index]}{path}"

    def manage(self, *arguments, check=True, timeout=300, env=None):
        result = subprocess.run(
            [PYTHON, "manage.py", *arguments], cwd=PROJECT, env={**self.env, **(env or {})},
            capture_output=True, text=True, timeout=timeout,
        )
        if check and result.returncode != 0:
            raise TopologyError(
                f"manage.py {' '.join(arguments)} failed ({result.returncode}):\n{result.stderr}"
            )
        return result

    def log(self, name):
        path = self.folder / f"{name}.log"
        return path.read_text(errors="replace") if path.exists() else ""

    # -- processes --------------------------------------------------------------------------

    def _spawn(self, name, command, env=None):
        log = open(self.folder / f"{name}.log", "ab")
        process = subprocess.Popen(
            [str(part) for part in command], cwd=PROJECT, env=env or self.env,
            stdout=log, stderr=subprocess.STDOUT, start_new_session=True,
        )
        log.close()
        self.processes[name] = process
        return process

    def _stop_process(self, name, sig=signal.SIGTERM):
        process = self.processes.pop(name, None)
        if process is None or process.poll() is not None:
            return
        with contextlib.suppress(ProcessLookupError):
            process.send_signal(sig)
        try:
            process.wait(timeout=20)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()

    def _as_postgres(self, command, check=True):
        command = [str(part) for part in command]
        if self.as_postgres:
            command = ["runuser", "-u", "postgres", "--", *command]
        result = subprocess.run(command, capture_output=True, text=True, timeout=120)
        if check and result.returncode != 0:
            raise TopologyError(f"{' '.join(command)} failed:\n{result.stdout}{result.stderr}")
        return result

    # -- PostgreSQL -------------------------------------------------------------------------

    def start_postgres(self, initialise=False):
        self.postgres_bin = _postgres_bin()
        cluster = self.folder / "pg"
        if initialise:
            cluster.mkdir()
            if self.as_postgres:
                shutil.chown(cluster, "postgres", "postgres")
            self._as_postgres(
                [self.postgres_bin / "initdb", "-D", cluster, "--encoding=UTF8",
                 "--locale=C.UTF-8", "--auth-local=peer", "--auth-host=scram-sha-256"]
            )
        log = self.folder / "postgres.log"
        if self.as_postgres and not log.exists():
            log.touch()
            shutil.chown(log, "postgres", "postgres")
        self._as_postgres(
            [self.postgres_bin / "pg_ctl", "-D", cluster, "-l", log, "-w", "start", "-o",
             f"-p {self.ports['postgres']} -c listen_addresses=127.0.0.1 -k {cluster}"]
        )
        if initialise:
            self.psql("CREATE ROLE reportsite LOGIN CREATEDB PASSWORD 'topology'")
            self.psql("CREATE DATABASE reportsite OWNER reportsite")

    def psql(self, sql, database="postgres"):
        return self._as_postgres(
            [self.postgres_bin / "psql", "-h", self.folder / "pg", "-p", self.ports["postgres"],
             "-d", database, "-v", "ON_ERROR_STOP=1", "-qAt", "-c", sql]
        ).stdout

    def stop_postgres(self, mode="fast"):
        self._as_postgres(
            [self.postgres_bin / "pg_ctl", "-D", self.folder / "pg", "-m", mode, "-w", "stop"]
        )

    def restart_postgres(self, down_seconds=0.0):
        self.stop_postgres()
        time.sleep(down_seconds)
        self.start_postgres()

    # -- Redis ------------------------------------------------------------------------------

    def start_redis(self):
        redis = _need("redis-server")
        process = self._spawn("redis", [
            redis, "--port", self.ports["redis"], "--bind", "127.0.0.1", "--save", "",
            "--appendonly", "no", "--dir", self.folder, "--daemonize", "no",
            "--requirepass", self.redis_password,
        ])
        _wait("Redis", lambda: self.redis_cli("ping") == "PONG", process,
              self.folder / "redis.log")

    def redis_cli(self, *arguments):
        """A redis-cli command on the topology's Redis (with its password); its output."""
        return subprocess.run(
            [shutil.which("redis-cli"), "-p", str(self.ports["redis"]), *map(str, arguments)],
            capture_output=True, text=True, env={**os.environ, "REDISCLI_AUTH": self.redis_password},
        ).stdout.strip()

    def stop_redis(self):
        self._stop_process("redis")

    # -- S3 (moto's server: the S3 HTTP protocol, objects in memory) ------------------------

    def start_s3(self, create_bucket=True):
        kept, self._s3_objects = getattr(self, "_s3_objects", None), None
        moto = BIN / "moto_server"
        if not moto.exists():
            raise TopologyError(f"moto_server is not installed at {moto}: pip install -r requirements-dev.txt")
        process = self._spawn("s3", [moto, "-H", "127.0.0.1", "-p", self.ports["s3"]])
        _wait("The S3 server", lambda: _http_status(self.env["AWS_S3_ENDPOINT_URL"]) < 500,
              process, self.folder / "s3.log")
        if create_bucket:
            client = self.s3_client()
            client.create_bucket(Bucket=BUCKET)
            # Only published media are public (editorial.files): anonymous visitors may
            # read `published/*` and nothing else; no listing, no writes, and the private
            # `drafts/` prefix is refused to them by the bucket itself.
            client.put_bucket_policy(Bucket=BUCKET, Policy=PUBLIC_READ_POLICY)
            for key, body in (kept or {}).items():
                client.put_object(Bucket=BUCKET, Key=key, Body=body)

    def stop_s3(self):
        """Stop the S3 server. moto keeps objects in memory only, so they are kept here and
        put back by the next `start_s3()`, as a real bucket keeps them through an outage."""
        self._s3_objects = self.bucket_objects()
        self._stop_process("s3")

    def s3_client(self):
        import boto3

        return boto3.client(
            "s3", endpoint_url=self.env["AWS_S3_ENDPOINT_URL"], region_name="us-east-1",
            aws_access_key_id=S3_KEY, aws_secret_access_key=S3_KEY,
        )

    def bucket_objects(self):
        """{key: bytes} of every object in the media bucket."""
        client = self.s3_client()
        objects = {}
        for page in client.get_paginator("list_objects_v2").paginate(Bucket=BUCKET):
            for item in page.get("Contents", []):
                body = client.get_object(Bucket=BUCKET, Key=item["Key"])["Body"].read()
                objects[item["Key"]] = body
        return objects

    # -- app servers ------------------------------------------------------------------------

    def start_app(self, index):
        gunicorn = BIN / "gunicorn"
        if not gunicorn.exists():
            raise TopologyError(f"Gunicorn is not installed at {gunicorn}.")
        own = self.folder / f"app{index}"
        own.mkdir(exist_ok=True)
        env = {
            **self.env,
            "GUNICORN_BIND": f"127.0.0.1:{self.ports['apps'][index]}",
            "WEB_CONCURRENCY": str(self.workers),
            # Nothing on disk is shared between app servers: each has its own folder.
            "MEDIA_ROOT": str(own / "media"),
            "PRIVATE_MEDIA_ROOT": str(own / "private-media"),
            "PAGE_CACHE_STAMP_FILE": str(own / "content-changed"),
        }
        process = self._spawn(f"app{index}", [gunicorn], env=env)
        self.apps[index] = process
        _wait(f"App server {index}", lambda: _http_status(self.app_url(index, "/healthz")) in (200, 503),
              process, self.folder / f"app{index}.log")
        return process

    def start_worker(self):
        """The background task worker beside the app servers (edition imports); the folder
        of drafts' files and uploaded sources is one the app servers share with it."""
        self.worker = self._spawn("worker", [PYTHON, "manage.py", "db_worker", "--interval", "0.5"], env=self.env)
        return self.worker

    def kill_app(self, index, sig=signal.SIGKILL):
        """Stop app server `index` (SIGKILL: its master and every worker, at once)."""
        process = self.apps[index]
        if process is None or process.poll() is not None:
            return
        with contextlib.suppress(ProcessLookupError):
            os.killpg(process.pid, sig)  # the whole session: master and workers
        process.wait(timeout=30)
        self.apps[index] = None
        self.processes.pop(f"app{index}", None)

    # -- nginx ------------------------------------------------------------------------------

    def nginx_config(self):
        run = self.folder / "nginx"
        run.mkdir(exist_ok=True)
        has_brotli = BROTLI_MODULE.exists()
        values = {
            "RUN_DIR": str(run),
            "BROTLI_MODULE": f"load_module {BROTLI_MODULE};" if has_brotli else "",
            "BROTLI": BROTLI_DIRECTIVES if has_brotli else "",
            "LISTEN": f"127.0.0.1:{self.ports['nginx']}",
            "UPSTREAMS": "\n".join(
                f"        server 127.0.0.1:{port} max_fails=1 fail_timeout=5s;"
                for port in self.ports["apps"]
            ),
            "STATIC_ROOT": str(self.folder / "static") + "/",
            # The hosts the app allows; any other Host (or none) ends at nginx's default
            # server, which answers only the health check.
            "SERVER_NAMES": " ".join(self.env["ALLOWED_HOSTS"].split(",")),
            "HEALTH_HOST": self.env["ALLOWED_HOSTS"].split(",")[0],
            "ADMIN_PATH": "/" + self.env.get("ADMIN_URL", "admin/").strip("/") + "/",
        }
        text = NGINX_TEMPLATE.read_text()
        for name, value in values.items():
            text = text.replace(f"@{name}@", value)
        if re.search(r"@[A-Z_]+@", text):
            raise TopologyError("deploy/nginx.conf.in has a placeholder this script does not fill.")
        path = run / "nginx.conf"
        path.write_text(text)
        return path

    def nginx_log_size(self):
        path = self.folder / "nginx" / "nginx-access.log"
        return path.stat().st_size if path.exists() else 0

    def nginx_answers(self, since=0):
        """Each request in nginx's access log after byte `since` (see `nginx_log_size`):
        (request line, answer time in ms, the app server's time in ms or None when nginx
        answered alone, the front cache's verdict or None), from the `timed` log format
        of deploy/nginx.conf.in, whose last three fields these are."""
        with open(self.folder / "nginx" / "nginx-access.log", "rb") as log:
            log.seek(since)
            for line in log:
                line = line.decode(errors="replace")
                # nginx escapes quotes inside fields: the last one closes the user agent.
                answer, *app, verdict = line[line.rindex('"') + 1:].split()
                # One time per app server tried ("0.001, 0.004"), and per internal
                # redirect (" : "); the last is the answer's.
                app_times = [time for time in re.split(r"[\s,:]+", " ".join(app)) if time]
                yield (
                    line.split('"', 2)[1], 1000 * float(answer),
                    None if app_times[-1] == "-" else 1000 * float(app_times[-1]),
                    None if verdict == "-" else verdict,
                )

    def start_nginx(self):
        nginx = shutil.which("nginx") or "/usr/sbin/nginx"
        if not Path(nginx).exists():
            raise TopologyError("nginx is not installed (Debian: apt-get install nginx).")
        config = self.nginx_config()
        error_log = self.folder / "nginx" / "nginx-error.log"
        check = subprocess.run([nginx, "-t", "-q", "-c", str(config), "-e", str(error_log)],
                               capture_output=True, text=True)
        if check.returncode != 0:
            raise TopologyError(f"nginx refuses its configuration:\n{check.stderr}")
        process = self._spawn(
            "nginx", [nginx, "-c", config, "-e", error_log, "-g", "daemon off;"]
        )
        # nginx's own answer (server_tokens off: "Server: nginx"), not some other server
        # that may have taken the port before nginx could bind it.
        _wait("nginx", lambda: _answer(self.url("/healthz")) in {(200, "nginx"), (503, "nginx")},
              process, self.folder / "nginx.log")


def main():
    import argparse

    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--folder", help="keep everything in this folder (default: a temporary one)")
    options = parser.parse_args()

    def stop_on_signal(number, frame):
        raise KeyboardInterrupt

    # Ctrl-C, `kill PID` and a closed terminal all stop every part (a background job's
    # SIGINT may be ignored, so SIGTERM counts too).
    for number in (signal.SIGINT, signal.SIGTERM, signal.SIGHUP):
        signal.signal(number, stop_on_signal)
    topology = Topology(folder=options.folder).start()
    print(f"Site (nginx):  {topology.url()}")
    for index, port in enumerate(topology.ports["apps"]):
        print(f"App server {index}: http://127.0.0.1:{port}/  (log: {topology.folder}/app{index}.log)")
    print(f"PostgreSQL:    {topology.database_url}")
    print(f"Redis:         {topology.env['CACHE_URL']}")
    print(f"S3:            {topology.env['AWS_S3_ENDPOINT_URL']} bucket {BUCKET}")
    print(f"Folder:        {topology.folder}")
    settings_file = topology.folder / "app.env"
    settings_file.write_text("".join(
        f"{name}={topology.env[name]}\n" for name in sorted(topology.env)
        if name in PROJECT_VARIABLES or name.startswith(("AWS_", "CONSENT_", "TRUSTED_", "SITE_"))
    ))
    print(f"The app servers' settings: {settings_file}; create an editor with")
    print(f"  env $(cat {settings_file} | xargs) .venv/bin/python manage.py createsuperuser")
    print("Ctrl-C (or kill PID) stops everything.")
    try:
        signal.pause()
    except KeyboardInterrupt:
        pass
    finally:
        topology.stop()


if __name__ == "__main__":
    main()
