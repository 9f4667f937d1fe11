"""A real PostgreSQL server for the suite: initdb and postgres in a temporary folder.

The store's tests run against both engines, and the team tests need a server two processes
reach at once, so the suite starts its own (Debian's `postgresql` package, listed in
system-packages.txt): one per test process, so pytest-xdist workers never share a port, a
folder or a database. The port is chosen at run time (a free one, retried if another program
takes it first); the unix socket, the data and the log live in a private temporary folder
removed when the server stops. The server is a child of the test process and dies with it
(PR_SET_PDEATHSIG): a run killed half-way leaves no server running.

PostgreSQL refuses to run as root; the suite often does (CI, containers), so as root the
server runs as the `postgres` system user the package creates, and its folder is given to it.

Clients authenticate the way users will: TCP connections need the superuser's password, which
libpq finds in a password file (`PGPASSFILE`) written here, never in a URL.
"""

from __future__ import annotations

import contextlib
import ctypes
import os
import pwd
import secrets
import shutil
import signal
import socket
import subprocess
import tempfile
import time
import uuid
from dataclasses import dataclass, field
from pathlib import Path

REPO_ROOT = Path(__file__).resolve().parent.parent

ADMIN = "pwb_admin"
"""The superuser initdb makes (clients connect as it unless a test makes other roles)."""

_SETTINGS = (
    # A throwaway server: speed over durability, small memory (8 helpers, 2 cores).
    "fsync=off",
    "synchronous_commit=off",
    "full_page_writes=off",
    "shared_buffers=16MB",
    "max_connections=60",
    "listen_addresses=127.0.0.1",
)


def find_bindir() -> Path | None:
    """The folder of `initdb` and `postgres`: `PWB_PG_BIN`, else the PATH, else Debian's
    /usr/lib/postgresql/<newest>/bin (not on the PATH there). None when none is installed."""
    explicit = os.environ.get("PWB_PG_BIN")
    if explicit:
        return Path(explicit) if (Path(explicit) / "initdb").is_file() else None
    on_path = shutil.which("initdb")
    if on_path:
        # Through a symlink (/usr/local/bin/initdb): the folder holding the other tools.
        return Path(on_path).resolve().parent
    versions = sorted(
        Path("/usr/lib/postgresql").glob("*/bin/initdb"),
        key=lambda p: int(p.parent.parent.name) if p.parent.parent.name.isdigit() else 0,
    )
    return versions[-1].parent if versions else None


def free_port() -> int:
    """A TCP port nothing listens on now (the server may still lose it: see `start`)."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@dataclass
class PgServer:
    """A running server of the suite's own.

    Attributes:
        folder: its private folder (data, socket, log, password file).
        port: the TCP port it listens on (127.0.0.1).
        password: the superuser's password (also in `passfile`).
    """

    bindir: Path
    folder: Path
    port: int = 0
    password: str = field(default_factory=lambda: secrets.token_hex(16))
    run_as: str | None = None
    process: subprocess.Popen[bytes] | None = None

    @property
    def data(self) -> Path:
        return self.folder / "data"

    @property
    def socket_dir(self) -> Path:
        return self.folder / "socket"

    @property
    def passfile(self) -> Path:
        return self.folder / "pgpass"

    @property
    def logfile(self) -> Path:
        return self.folder / "server.log"

    def url(self, dbname: str = "postgres", user: str = ADMIN) -> str:
        """A case URL for a database of this server: no password (libpq reads the file)."""
        return f"postgresql://{user}@127.0.0.1:{self.port}/{dbname}"

    def new_database(self, prefix: str = "case") -> str:
        """Create an empty database with a unique name; returns its URL."""
        name = f"{prefix}_{uuid.uuid4().hex[:12]}"
        self.admin_sql(f'CREATE DATABASE "{name}"')
        return self.url(name)

    def databases(self) -> list[str]:
        """The names of the server's databases."""
        import psycopg

        with psycopg.connect(
            host=str(self.socket_dir), port=self.port, user=ADMIN, dbname="postgres"
        ) as conn:
            return [str(r[0]) for r in conn.execute(b"SELECT datname FROM pg_database")]

    def drop_database(self, url: str) -> None:
        """Drop a database `new_database` made (its sessions are ended first)."""
        name = url.rsplit("/", 1)[-1]
        self.admin_sql(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')

    def admin_sql(self, sql: str, dbname: str = "postgres") -> None:
        """Run a statement as the superuser over the unix socket (no password needed)."""
        import psycopg

        with psycopg.connect(
            host=str(self.socket_dir), port=self.port, user=ADMIN, dbname=dbname, autocommit=True
        ) as conn:
            conn.execute(sql.encode())

    # life ------------------------------------------------------------------------------------
    def _run(self, *args: str) -> subprocess.CompletedProcess[str]:
        return subprocess.run(
            [str(self.bindir / args[0]), *args[1:]],
            check=False,
            capture_output=True,
            text=True,
            user=self.run_as,
            cwd=self.folder,
        )

    def start(self, attempts: int = 5) -> None:
        """initdb, then the server on a free port (another port if that one was taken).
        A folder a kept server left (`start_server(keep=...)`) is started again as it is.

        Raises:
            RuntimeError: initdb or the start failed (with the server's own log).
        """
        if (self.data / "PG_VERSION").is_file() and self.passfile.is_file():
            self.password = self.passfile.read_text().strip().rsplit(":", 1)[-1]
            self._listen(attempts)
            return
        self.socket_dir.mkdir()
        pwfile = self.folder / "pwfile"
        pwfile.write_text(self.password + "\n")
        if self.run_as is not None:
            entry = pwd.getpwnam(self.run_as)
            for path in (self.folder, self.socket_dir, pwfile):
                os.chown(path, entry.pw_uid, entry.pw_gid)
        done = self._run(
            "initdb",
            "-D",
            str(self.data),
            "-U",
            ADMIN,
            f"--pwfile={pwfile}",
            "--auth-local=trust",
            "--auth-host=scram-sha-256",
            "-E",
            "UTF8",
            "--locale=C.UTF-8",
            "--no-sync",
        )
        pwfile.unlink()
        if done.returncode != 0:
            raise RuntimeError(f"initdb failed: {done.stderr or done.stdout}")
        self._listen(attempts)

    def _listen(self, attempts: int) -> None:
        for _ in range(attempts):
            self.port = free_port()
            if self._launch():
                break
        else:
            log = self.logfile.read_text(errors="replace") if self.logfile.exists() else ""
            raise RuntimeError(f"the server did not start: {log[-2000:]}")
        self.passfile.write_text(f"127.0.0.1:{self.port}:*:{ADMIN}:{self.password}\n")
        self.passfile.chmod(0o600)

    def _launch(self, wait: float = 60.0) -> bool:
        """Run `postgres` as a child of this process that dies with it (a killed test run
        leaves no server behind), and wait until it accepts connections.

        Returns:
            False when it stopped first (the port was taken meanwhile).
        """
        command = [str(self.bindir / "postgres"), "-D", str(self.data), "-p", str(self.port)]
        command += ["-k", str(self.socket_dir)]
        for setting in _SETTINGS:
            command += ["-c", setting]
        with self.logfile.open("ab") as log:
            self.process = subprocess.Popen(
                command,
                stdout=log,
                stderr=subprocess.STDOUT,
                stdin=subprocess.DEVNULL,
                user=self.run_as,
                cwd=self.folder,
                preexec_fn=_die_with_parent,
            )
        deadline = time.monotonic() + wait
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                return False
            probe = [str(self.bindir / "pg_isready"), "-q", "-h", str(self.socket_dir)]
            ready = subprocess.run([*probe, "-p", str(self.port), "-U", ADMIN], check=False)
            if ready.returncode == 0:
                return True
            time.sleep(0.1)
        self.process.kill()
        self.process.wait()
        return False

    def stop(self, *, remove: bool = True) -> None:
        """Stop the server (fast: open sessions are ended) and remove its folder (unless
        `remove` is False: a kept server, its databases to be used again)."""
        try:
            process = self.process
            if process is not None and process.poll() is None:
                process.send_signal(signal.SIGINT)  # PostgreSQL's fast shutdown
                try:
                    process.wait(timeout=60)
                except subprocess.TimeoutExpired:
                    process.kill()
                    process.wait()
        finally:
            if remove:
                shutil.rmtree(self.folder, ignore_errors=True)


def _die_with_parent() -> None:
    """In the server's process before it runs: stop it (SIGQUIT, immediate shutdown) when
    the test process that started it dies, however it dies (Linux's PR_SET_PDEATHSIG)."""
    libc = ctypes.CDLL(None, use_errno=True)
    libc.prctl(1, signal.SIGQUIT)  # 1 = PR_SET_PDEATHSIG


def start_server(keep: Path | None = None) -> PgServer | str:
    """Start a server of the suite's own, or say why none can be started.

    Args:
        keep: a folder for the server's data that outlives it (a benchmark's large case,
            built once): started again as it is when it holds one, made there otherwise.
            None: a temporary folder, removed by `stop()`.
    """
    bindir = find_bindir()
    if bindir is None:
        return "PostgreSQL is not installed (Debian: apt-get install postgresql)"
    run_as = None
    if os.geteuid() == 0:
        try:
            pwd.getpwnam("postgres")
        except KeyError:
            return "running as root and there is no 'postgres' user to run the server as"
        run_as = "postgres"
    # Not pytest's tmp_path: its parents are private to root, which the server user cannot
    # cross when run as `postgres`.
    if keep is None:
        folder = Path(tempfile.mkdtemp(prefix="pwb-pg-"))
    else:
        folder = keep
        folder.mkdir(parents=True, exist_ok=True)
        if run_as is not None:
            entry = pwd.getpwnam(run_as)
            os.chown(folder, entry.pw_uid, entry.pw_gid)
    server = PgServer(bindir=bindir, folder=folder, run_as=run_as)
    try:
        server.start()
    except BaseException:
        with contextlib.suppress(OSError):
            server.stop(remove=keep is None)
        raise
    return server
