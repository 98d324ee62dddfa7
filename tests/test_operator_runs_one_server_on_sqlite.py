"""An operator runs the site on one server with the embedded defaults (SQLite, Gunicorn with
gunicorn.conf.py): each worker keeps one SQLite connection for its life, and none crosses a
fork.

Opening SQLite costs more than most requests (Django registers its SQL functions on every
new connection), so a worker keeps its connection (CONN_MAX_AGE). Gunicorn loads the site in
its master and forks the workers from it (GUNICORN_PRELOAD); SQLite forbids using a
connection across a fork, so the master must never open the database.
"""

from pathlib import Path

from tests.servers import TemporarySite, children, free_port, open_descriptors
from tests.topology import fetch


def get(port, path):
    return fetch(f"http://127.0.0.1:{port}{path}")[0]


def database_descriptors(pid, database):
    return {number for number, target in open_descriptors(pid).items() if target == database}


def test_each_worker_keeps_one_sqlite_connection_and_the_master_opens_none(tmp_path):
    site = TemporarySite(tmp_path / "site").prepare()
    database = str(Path(site.database).resolve())
    port = free_port()
    with site.gunicorn(port, workers=1) as master:
        (worker,) = children(master.pid)
        assert get(port, "/healthz") == 200
        kept = database_descriptors(worker, database)
        assert len(kept) == 1, open_descriptors(worker)
        for path in ("/healthz", "/privacy/", "/healthz"):
            assert get(port, path) == 200
            # The same connection between requests: not closed and opened again.
            assert database_descriptors(worker, database) == kept
        # The master loaded the site (its compiled modules are in its memory) without
        # opening the database.
        assert "_brotli" in Path(f"/proc/{master.pid}/maps").read_text()
        assert database_descriptors(master.pid, database) == set()
