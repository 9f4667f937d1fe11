"""Two examiners' `pwb ingest` processes on one server case share one evidence folder (a
network share, here a local folder): they ingest overlapping content at once, one is killed
with SIGKILL in the middle of a batch, and a third command, run while the other ingest is
still going, recovers: no blob is left that no item refers to, no blob an item refers to is
removed, and `verify` is clean. The in-flight markers are rows of the case database, so no
decision rests on `flock` on the share (store/inflight_db.py)."""

from __future__ import annotations

import hashlib
import os
import signal
import subprocess
import time
from collections.abc import Callable
from pathlib import Path

import psycopg
import pytest

from tests.app.cli_process import PWB, pwb, pwb_json
from tests.pg_server import PgServer

FILES = 600
"""Files per ingest: every other one holds content the other ingest has too."""


def _sources(root: Path) -> tuple[Path, Path]:
    """Two folders whose even-numbered files are the same content under other names."""
    one, two = root / "card-one", root / "card-two"
    for folder, tag in ((one, b"one"), (two, b"two")):
        folder.mkdir(parents=True)
        for n in range(FILES):
            seed = b"shared %d" % n if n % 2 == 0 else b"%s only %d" % (tag, n)
            body = hashlib.sha256(seed).digest() * (256 + n % 64)
            (folder / f"{tag.decode()}-{n:05d}.bin").write_bytes(body)
    return one, two


def _writers(conn: psycopg.Connection) -> dict[int, int]:
    """Writer key -> how many in-flight rows it holds now."""
    rows = conn.execute("SELECT writer, count(*) FROM evidence_inflight GROUP BY writer")
    return {int(w): int(n) for w, n in rows.fetchall()}


def _stranded(conn: psycopg.Connection, writers: set[int], share: Path) -> set[str]:
    """Blobs in the share that these writers hold in-flight rows for."""
    rows = conn.execute("SELECT sha256, writer FROM evidence_inflight").fetchall()
    shas = {str(sha) for sha, writer in rows if int(writer) in writers}
    return {s for s in shas if (share / "evidence" / s[:2] / s[2:4] / s).is_file()}


def spawn(cmd: list[str], log: Path, env: dict[str, str] | None = None) -> subprocess.Popen[bytes]:
    """Start a `pwb` with its output in a file: an ingest prints a line a file, and a pipe
    nobody reads until the end fills (64 KiB) and stops it mid-card (it hung CI)."""
    with log.open("wb") as out:
        proc = subprocess.Popen(cmd, stdout=out, stderr=subprocess.STDOUT, env=env)
    _LOGS[proc.pid] = log
    return proc


_LOGS: dict[int, Path] = {}
"""The output file of each process `spawn` started."""


def output(proc: subprocess.Popen[bytes]) -> str:
    """What a process `spawn` started printed (its last 3,000 characters)."""
    return _LOGS[proc.pid].read_text(errors="replace")[-3000:]


def _stopped(proc: subprocess.Popen[bytes]) -> bool:
    """True once every thread of the process has stopped (SIGSTOP is delivered late)."""
    try:
        stat = Path(f"/proc/{proc.pid}/stat").read_text()
    except OSError:
        return True  # gone
    return stat.rsplit(")", 1)[1].split()[0] in ("T", "t", "Z", "X")


def _catch(
    proc: subprocess.Popen[bytes], ready: Callable[[], bool], what: str, rest: float = 0.0
) -> None:
    """Let `proc` run in slices of a few milliseconds, stopped (SIGSTOP) between them, until
    `ready()` holds while it is stopped; it is left stopped then. Polling a running ingest
    missed a batch's moment between its renames and its commit when the test process got no
    core for a while (the whole card went by); a stopped one cannot move past it. `rest`:
    how long it stays stopped between slices (it goes on, slowly, where waiting for another
    process: its card must not end first)."""
    deadline = time.monotonic() + 300
    while time.monotonic() < deadline:
        proc.send_signal(signal.SIGSTOP)
        while not _stopped(proc):
            time.sleep(0.0005)
        if proc.poll() is not None:
            pytest.fail(f"an ingest ended before {what}: {output(proc)!r}")
        if ready():
            return
        time.sleep(rest)
        proc.send_signal(signal.SIGCONT)
        time.sleep(0.003)
    pytest.fail(f"never saw {what}")


def _ports(pid: int) -> list[int]:
    """The local TCP ports of a process's sockets (its connections to the server)."""
    inodes = set()
    for fd in Path(f"/proc/{pid}/fd").iterdir():
        try:
            target = os.readlink(fd)
        except OSError:
            continue
        if target.startswith("socket:["):
            inodes.add(target[8:-1])
    ports = []
    for table in ("/proc/net/tcp", "/proc/net/tcp6"):
        for line in Path(table).read_text().splitlines()[1:]:
            fields = line.split()
            if fields[9] in inodes:
                ports.append(int(fields[1].rsplit(":", 1)[1], 16))
    return ports


def _between_transactions(proc: subprocess.Popen[bytes], conn: psycopg.Connection) -> bool:
    """True when every server session of `proc` is idle: no transaction open, so it holds
    no write or evidence lock (only its session's own writer lock, which says it is alive)."""
    ports = _ports(proc.pid)
    row = conn.execute(
        "SELECT count(*), count(*) FILTER (WHERE state <> 'idle') FROM pg_stat_activity "
        "WHERE client_port = ANY(%s)",
        (ports,),
    ).fetchone()
    return bool(row and row[0] and not row[1])


def _pause(proc: subprocess.Popen[bytes], conn: psycopg.Connection, what: str) -> None:
    """Stop `proc` (SIGSTOP) between its transactions, so the other writers go on."""
    _catch(proc, lambda: _between_transactions(proc, conn), what)


def test_a_killed_ingest_on_a_shared_server_case_is_recovered_by_another_process(
    pg_server: PgServer, tmp_path: Path
) -> None:
    url = pg_server.new_database()
    share = tmp_path / "share"
    procs: list[subprocess.Popen[bytes]] = []
    try:
        pwb_json("init", url, "--title", "Downed drone", "--evidence", share)
        one, two = _sources(tmp_path / "sources")
        watch = psycopg.connect(url, autocommit=True)

        def start(folder: Path) -> subprocess.Popen[bytes]:
            cmd = [*PWB, "ingest", url, str(folder), "--no-extract"]
            proc = spawn(cmd, tmp_path / f"{folder.name}.log")
            procs.append(proc)
            return proc

        # The first runs in short slices from here on, so it cannot finish its card while
        # the test waits (under load it did, before the second had begun).
        first = start(one)
        _catch(first, lambda: bool(_writers(watch)), "the first ingest's markers")
        firsts = set(_writers(watch))
        second = start(two)
        # Slowly: the second's start-up takes longer than the first's card at full speed.
        _catch(
            first,
            lambda: bool(set(_writers(watch)) - firsts),
            "the second ingest's markers",
            rest=0.03,
        )
        # The second waits, alive but holding no lock, until recovery has run beside it.
        _pause(second, watch, "the second ingest between its transactions")
        # Both are at work; the first is killed between renaming a batch's blobs into the
        # share and committing their items.
        _catch(first, lambda: bool(_stranded(watch, firsts, share)), "a batch of the first renamed")
        first.send_signal(signal.SIGKILL)
        first.wait()
        assert first.returncode == -signal.SIGKILL
        stranded = _stranded(watch, firsts, share)
        assert stranded, "killed mid-batch: blobs in the share, its in-flight rows still there"

        # A third command opens the case while the second ingest is still going: it is not
        # alone with the case, and reclaims only what the killed writer held.
        added = pwb("add", url, "--name", "Gerbera drone")
        assert added.returncode == 0, added.stderr
        assert second.poll() is None, "the second ingest was still running during recovery"
        second.send_signal(signal.SIGCONT)
        assert not firsts & set(_writers(watch)), "the killed writer's rows are gone"
        owners = {f"{w:x}" for w in firsts}
        copies = [p for p in (share / "tmp").glob("*.part") if p.name.split(".")[1] in owners]
        assert not copies, "the killed writer's partial copies are gone"
        log = pwb_json("log", url)["entries"]
        recovered = [e for e in log if e["action"] == "recovered_interrupted_ingest"]
        assert len(recovered) == 1

        second.wait(timeout=600)
        assert second.returncode == 0, output(second)
        assert _writers(watch) == {}

        # Every item's blob is there; every blob is some item's.
        items = pwb_json("items", url, "--limit", "100000")["items"]
        referenced = {i["sha256"] for i in items if i.get("sha256")}
        stored = {p.name for p in (share / "evidence").rglob("*") if p.is_file()}
        assert referenced <= stored, "no blob an item refers to was removed"
        assert stored <= referenced, "no blob is left that no item refers to"
        second_names = {i["name"] for i in items if i["name"].startswith("two-")}
        assert len(second_names) == FILES, "the second ingest stored every one of its files"
        removed = set(recovered[0]["details"]["unreferenced_blobs_removed"])
        assert removed <= stranded, "recovery removed only what the killed writer left"
        assert stranded - removed <= referenced, "what it kept, an item of the other needed"
        verified = pwb("verify", url)
        assert verified.returncode == 0, verified.stdout + verified.stderr
        watch.close()
    finally:
        for p in procs:
            if p.poll() is None:
                p.kill()
                p.wait()
        pg_server.drop_database(url)
