"""Django's SQLite backend, with the database file for the site's own user alone.

The embedded database holds password hashes and sessions. SQLite creates its file with
the process's umask (usually 0644: readable by every user of the machine), and its -wal
and -shm companions with the mode of the database file. So the file is created 0600
before SQLite first opens it (no moment when another user could open it and keep it
open), and a file made before this (or copied in by hand) is narrowed to 0600 at the next
connection, with its companions. Nothing else changes: settings.py names this backend for
every SQLite database.
"""

import os
import stat

from django.db.backends.sqlite3 import base


def database_file(name):
    """The path of a file database, or None for an in-memory one."""
    name = str(name)
    if name == ":memory:" or name.startswith("file:") or "mode=memory" in name:
        return None
    return name


def keep_private(path):
    """Create `path` 0600 if missing; narrow it and its -wal/-shm to the owner if wider."""
    try:
        os.close(os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600))
    except FileExistsError:
        pass
    except OSError:
        return  # no such folder, read-only disk...: SQLite says so itself
    for suffix in ("", "-wal", "-shm"):
        try:
            mode = stat.S_IMODE(os.stat(path + suffix).st_mode)
            if mode & 0o077:
                os.chmod(path + suffix, mode & 0o700)
        except FileNotFoundError:
            pass
        except PermissionError:
            pass  # another user's file: the start-up check reports it


class DatabaseWrapper(base.DatabaseWrapper):
    def get_new_connection(self, conn_params):
        path = database_file(conn_params["database"])
        if path:
            keep_private(path)
        return super().get_new_connection(conn_params)
