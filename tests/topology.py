"""Helpers for driving the several-servers topology (deploy/topology.py) from tests and
bench/faults.py: raw HTTP with a chosen client address, wrk runs, slow clients, and
what the shared database holds.

Loopback only: every request goes to 127.0.0.1, and every load is bounded in time.
"""

import http.client
import json
import re
import shutil
import socket
import subprocess
import threading
import time
import urllib.parse

EDITOR, EDITOR_PASSWORD = "editor", "several-servers-editor-password"


def fetch(url, method="GET", body=None, headers=None, source="127.0.0.1", timeout=15):
    """(status, headers {lower-case name: value}, raw body bytes as sent on the wire).

    `source` is the client's own address: any 127.x.y.z works on Linux's loopback, so a
    test can be a visitor from a network other than nginx's 127.0.0.1.
    """
    parts = urllib.parse.urlsplit(url)
    connection = http.client.HTTPConnection(
        parts.hostname, parts.port, timeout=timeout, source_address=(source, 0)
    )
    try:
        path = parts.path + (f"?{parts.query}" if parts.query else "")
        connection.request(method, path, body=body, headers=headers or {})
        response = connection.getresponse()
        headers = {}
        for name, value in response.getheaders():  # repeated headers joined, as RFC 9110 allows
            headers[name.lower()] = f"{headers[name.lower()]}, {value}" if name.lower() in headers else value
        return response.status, headers, response.read()
    finally:
        connection.close()


def post_consent(base_url, action="decline", purposes=None, cookie=None, source="127.0.0.1"):
    """A consent decision as the site's own script sends it: (status, headers, JSON body)."""
    headers = {
        "Content-Type": "application/json", "Accept": "application/json",
        "Sec-Fetch-Site": "same-origin",
    }
    if cookie:
        headers["Cookie"] = cookie
    body = json.dumps({"action": action, "purposes": purposes or {}, "next": "/"}).encode()
    status, response_headers, raw = fetch(
        base_url + "/consent/", "POST", body, headers, source=source
    )
    try:
        data = json.loads(raw)
    except ValueError:
        data = {"raw": raw.decode(errors="replace")}
    return status, response_headers, data


def cookie_from(headers, name="consent"):
    match = re.search(rf"(?:^|,\s*){name}=([^;]*)", headers.get("set-cookie", ""))
    return f"{name}={match.group(1)}" if match else None


def database_count(topology, table, where="true"):
    return int(topology.psql(f"SELECT count(*) FROM {table} WHERE {where}", "reportsite").strip())


def create_editor(topology):
    topology.manage(
        "shell", "-c",
        "from django.contrib.auth.models import User; "
        f"User.objects.filter(username={EDITOR!r}).exists() or "
        f"User.objects.create_superuser({EDITOR!r}, 'editor@example.org', {EDITOR_PASSWORD!r})",
    )


def run_wrk(url, seconds, connections=32, threads=2, during=None, headers=None, timeout=10):
    """Load `url` with wrk for `seconds`; `during(elapsed)` is called once a second meanwhile.

    A request counts as failed after `timeout` seconds (wrk's own default, 2 s, would count
    a slow answer on a busy 2-core machine as an error the visitor did not see).

    Returns requests sent, visitor-visible errors (non-2xx/3xx answers plus socket errors)
    and requests per second, read from wrk's summary.
    """
    wrk = shutil.which("wrk")
    if not wrk:
        raise AssertionError("wrk is not installed (Debian: apt-get install wrk).")
    command = [
        wrk, "-t", str(threads), "-c", str(connections), "-d", f"{seconds}s",
        "--timeout", f"{timeout}s", "--latency",
    ]
    for name, value in (headers or {}).items():
        command += ["-H", f"{name}: {value}"]
    process = subprocess.Popen(
        [*command, url], stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True
    )
    started = time.monotonic()
    if during:
        for second in range(1, seconds):
            time.sleep(max(0.0, started + second - time.monotonic()))
            during(second)
    output, _ = process.communicate(timeout=seconds + 60)
    return parse_wrk(output)


def parse_wrk(output):
    requests = re.search(r"(\d+) requests in", output)
    if not requests:
        raise AssertionError(f"wrk printed no summary:\n{output}")
    non_2xx = re.search(r"Non-2xx or 3xx responses: (\d+)", output)
    socket_errors = re.search(
        r"Socket errors: connect (\d+), read (\d+), write (\d+), timeout (\d+)", output
    )
    errors = int(non_2xx.group(1)) if non_2xx else 0
    socket_total = sum(int(n) for n in socket_errors.groups()) if socket_errors else 0
    rate = re.search(r"Requests/sec:\s+([\d.]+)", output)
    p99 = re.search(r"99%\s+([\d.]+\w+)", output)
    return {
        "requests": int(requests.group(1)),
        "errors": errors + socket_total,
        "non_2xx": errors,
        "socket_errors": socket_total,
        "requests_per_second": float(rate.group(1)) if rate else 0.0,
        "p99": p99.group(1) if p99 else "?",
        "output": output,
    }


class SlowClients:
    """`count` connections that send their request headers one byte every `interval`
    seconds and never finish them (slowloris), until `stop()`.

    With `head` (a whole request head announcing a body) they trickle the body instead;
    `source` is the clients' own loopback address.
    """

    def __init__(self, host, port, count=50, interval=1.0, head=None, source="127.0.0.1"):
        self.host, self.port, self.count, self.interval = host, port, count, interval
        self.head = head or b"GET / HTTP/1.1\r\nHost: 127.0.0.1\r\n"
        self.source = source
        self.stopping = threading.Event()
        self.sockets = []
        self.thread = threading.Thread(target=self._trickle, daemon=True)

    def start(self):
        for _ in range(self.count):
            connection = socket.create_connection(
                (self.host, self.port), timeout=5, source_address=(self.source, 0)
            )
            connection.sendall(self.head)
            self.sockets.append(connection)
        self.thread.start()
        return self

    def _trickle(self):
        while not self.stopping.wait(self.interval):
            for connection in list(self.sockets):
                try:
                    connection.sendall(b"X")
                except OSError:
                    self.sockets.remove(connection)

    def open_connections(self):
        return len(self.sockets)

    def stop(self):
        self.stopping.set()
        self.thread.join(timeout=5)
        for connection in self.sockets:
            connection.close()


def wait_until(condition, seconds=30, interval=0.2):
    """Seconds it took until `condition()` was true; AssertionError after `seconds`."""
    started = time.monotonic()
    while time.monotonic() - started < seconds:
        try:
            if condition():
                return time.monotonic() - started
        except OSError:
            pass
        time.sleep(interval)
    raise AssertionError(f"not true within {seconds} s: {condition.__doc__ or condition}")
