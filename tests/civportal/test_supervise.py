"""`./civ start` keeps the worker and beat up: the `supervise` function of `civ`, driven with
a stand-in command that crashes a given number of times and then stays up."""

import os
import re
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]

# Run number N (counted in $DIR/count) crashes at once while N <= CRASHES, stays up
# LINGER seconds and exits when N == LINGER_RUN, and otherwise stays up for good.
STAND_IN = r"""
n=$(( $(cat "$DIR/count" 2>/dev/null || echo 0) + 1 ))
echo "$n" >"$DIR/count"
echo "$EPOCHREALTIME" >>"$DIR/starts"
echo "run $n"
if [ "$n" -le "$CRASHES" ]; then exit 3; fi
if [ "$n" -eq "${LINGER_RUN:-0}" ]; then sleep "$LINGER"; exit 4; fi
if [ -n "${IGNORE_TERM:-}" ]; then trap '' TERM; fi
echo $$ >"$DIR/up.pid"
exec sleep 300
"""


class Supervisor:
    def __init__(self, tmp_path: Path, **env):
        self.dir = tmp_path
        self.log = tmp_path / "stand-in.log"
        (tmp_path / "stand-in.sh").write_text(STAND_IN)
        self.stderr = (tmp_path / "terminal.txt").open("w+")
        self.process = subprocess.Popen(
            [
                "bash",
                "-c",
                'source "$1"; supervise stand-in "$2" bash "$3"',
                "bash",
                str(ROOT / "civ"),
                str(self.log),
                str(tmp_path / "stand-in.sh"),
            ],
            env={**os.environ, "DIR": str(tmp_path), **{k: str(v) for k, v in env.items()}},
            stdout=subprocess.DEVNULL,
            stderr=self.stderr,
        )

    def wait_until_up(self, timeout=20) -> int:
        up = self.dir / "up.pid"
        deadline = time.monotonic() + timeout
        while not up.exists() or not up.read_text().strip():
            assert self.process.poll() is None, self.terminal()
            assert time.monotonic() < deadline, f"never stayed up:\n{self.log.read_text()}"
            time.sleep(0.05)
        return int(up.read_text())

    def terminal(self) -> str:
        self.stderr.seek(0)
        return self.stderr.read()

    def announced_pauses(self, text: str) -> list[float]:
        return [float(s) for s in re.findall(r"stand-in exited .*; restarting in ([\d.]+) s", text)]

    def start_gaps(self) -> list[float]:
        starts = [float(line) for line in (self.dir / "starts").read_text().split()]
        return [later - earlier for earlier, later in zip(starts, starts[1:], strict=False)]

    def descendants(self) -> set[int]:
        return descendants(self.process.pid)

    def terminate(self, within: float) -> float:
        began = time.monotonic()
        self.process.send_signal(signal.SIGTERM)
        status = self.process.wait(within)
        assert status == 143
        return time.monotonic() - began

    def close(self):
        stop_tree(self.process)
        self.stderr.close()


def descendants(ancestor: int) -> set[int]:
    """Every process below `ancestor`, from /proc (children of children too)."""
    parents = {}
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            fields = stat.read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue  # gone while we looked
        parents[int(stat.parent.name)] = int(fields[1])
    found, frontier = set(), {ancestor}
    while frontier:
        frontier = {pid for pid, parent in parents.items() if parent in frontier}
        found |= frontier
    return found


def stop_tree(process: subprocess.Popen) -> None:
    """Stop what a test left running: SIGTERM (the way tested here), then SIGKILL for
    anything still below it (supervisors run in process groups of their own)."""
    if process.poll() is not None:
        return
    below = descendants(process.pid)
    process.terminate()
    try:
        process.wait(15)
    except subprocess.TimeoutExpired:
        process.kill()
        process.wait()
    for pid in below:
        if alive(pid):
            os.kill(pid, signal.SIGKILL)


def alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    return Path(f"/proc/{pid}").exists() and "Z" not in _state(pid)


def _state(pid: int) -> str:
    try:
        return Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
    except OSError:
        return "Z"


@pytest.fixture
def launch(tmp_path):
    """Start a Supervisor or Services in this test's folder; whatever is left is stopped."""
    started = []

    def start(kind, **env):
        started.append(kind(tmp_path, **env))
        return started[-1]

    yield start
    for running in started:
        running.close()


def test_a_crashing_command_is_restarted_after_doubling_pauses_each_logged(launch):
    supervisor = launch(Supervisor, CRASHES=3, CIV_RESTART_MIN_MS=200, CIV_RESTART_MAX_MS=10000)

    supervisor.wait_until_up()

    # Told on the terminal and in the command's own log, after its output.
    assert supervisor.announced_pauses(supervisor.terminal()) == [0.2, 0.4, 0.8]
    log = supervisor.log.read_text()
    assert supervisor.announced_pauses(log) == [0.2, 0.4, 0.8]
    assert log.index("run 1") < log.index("restarting in 0.2 s") < log.index("run 2")
    assert re.search(
        r"^\d{4}-\d\d-\d\d \d\d:\d\d:\d\d civ: stand-in exited \(status 3\)", log, re.M
    )
    # And the pauses really were taken between one start and the next (start-up time on a
    # busy machine comes on top, so the gaps themselves need not grow in step).
    gaps = supervisor.start_gaps()
    assert len(gaps) == 3
    assert all(gap >= pause for gap, pause in zip(gaps, [0.2, 0.4, 0.8], strict=True))


def test_the_pause_stops_growing_at_the_maximum_and_resets_after_a_long_enough_run(launch):
    supervisor = launch(
        Supervisor,
        CRASHES=4,
        LINGER_RUN=5,
        LINGER=2.5,
        CIV_RESTART_MIN_MS=100,
        CIV_RESTART_MAX_MS=300,
        CIV_RESTART_RESET_S=2,
    )

    supervisor.wait_until_up()

    # Four quick crashes: 0.1, 0.2, then capped at 0.3; run 5 stayed up 2.5 s (> 2 s), so
    # its exit is restarted after the minimum pause again.
    assert supervisor.announced_pauses(supervisor.log.read_text()) == [0.1, 0.2, 0.3, 0.3, 0.1]
    assert re.search(
        r"stand-in exited \(status 4\) after [2-9]\.\d s; restarting in 0\.1 s",
        supervisor.terminal(),
    )


def test_sigterm_stops_the_command_and_the_supervisor_leaving_no_process_behind(launch):
    supervisor = launch(Supervisor, CRASHES=0)
    command = supervisor.wait_until_up()
    below = supervisor.descendants()
    assert command in below

    took = supervisor.terminate(within=5)

    assert took < 3
    assert not [pid for pid in below if alive(pid)]


def test_sigterm_during_a_pause_ends_the_pause_at_once(launch):
    supervisor = launch(Supervisor, CRASHES=1, CIV_RESTART_MIN_MS=30000)
    deadline = time.monotonic() + 20
    while "restarting in 30.0 s" not in supervisor.terminal():
        assert time.monotonic() < deadline, supervisor.terminal()
        time.sleep(0.05)
    pausing = supervisor.descendants()  # the pause's sleep
    assert pausing

    took = supervisor.terminate(within=5)

    assert took < 3
    assert not [pid for pid in pausing if alive(pid)]
    assert (supervisor.dir / "count").read_text().strip() == "1"  # not started again


def test_a_command_that_ignores_sigterm_is_killed_after_the_grace_period(launch):
    supervisor = launch(Supervisor, CRASHES=0, IGNORE_TERM=1, CIV_STOP_GRACE_S=1)
    command = supervisor.wait_until_up()

    took = supervisor.terminate(within=10)

    assert 1 <= took < 4
    assert not alive(command)


# A Celery-like stand-in: handles SIGINT and SIGTERM itself (as Celery does), says which
# signal it got, and records its pid; `web` exits on its own with status 3 if told to.
SERVICE = """
import os, signal, sys, time
name = sys.argv[1]
with open(f"{name}.pids", "a") as pids:
    pids.write(f"{os.getpid()}\\n")
def stop(signum, frame):
    print(f"{name} got {signal.Signals(signum).name}", flush=True)
    sys.exit(0)
signal.signal(signal.SIGINT, stop)
signal.signal(signal.SIGTERM, stop)
print(f"{name} up", flush=True)
time.sleep(float(os.environ.get("WEB_LIFETIME", "300")) if name == "web" else 300)
sys.exit(3)
"""


class Services:
    """`run_services` of `civ` (what `./civ start` ends in) with stand-ins for the three
    processes, in a session of its own, as a terminal would run it."""

    def __init__(self, tmp_path: Path, **env):
        self.dir = tmp_path
        (tmp_path / "service.py").write_text(SERVICE)
        script = (
            'source "$1"; py="$2"\n'
            'WORKER_CMD=("$py" service.py worker); BEAT_CMD=("$py" service.py beat)\n'
            'WEB_CMD=("$py" service.py web)\n'
            "run_services\n"
        )
        self.output = (tmp_path / "terminal.txt").open("w+")
        self.process = subprocess.Popen(
            ["bash", "-c", script, "bash", str(ROOT / "civ"), sys.executable],
            cwd=tmp_path,
            env={**os.environ, "CIV_RESTART_MIN_MS": "100", **env},
            stdout=self.output,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )

    def pids(self, name: str) -> list[int]:
        path = self.dir / f"{name}.pids"
        return [int(line) for line in path.read_text().split()] if path.exists() else []

    def wait_for(self, condition, what: str, timeout=30):
        deadline = time.monotonic() + timeout
        while not condition():
            assert time.monotonic() < deadline, f"timed out waiting for {what}:\n{self.text()}"
            time.sleep(0.05)

    def wait_until_up(self):
        self.wait_for(
            lambda: all(self.pids(name) for name in ("worker", "beat", "web")), "all three"
        )

    def log(self, name: str) -> str:
        path = self.dir / "var" / "log" / f"{name}.log"
        return path.read_text() if path.exists() else ""

    def text(self) -> str:
        self.output.seek(0)
        return self.output.read() + self.log("worker") + self.log("beat")

    def all_gone(self) -> bool:
        return not [
            pid for name in ("worker", "beat", "web") for pid in self.pids(name) if alive(pid)
        ]

    def close(self):
        stop_tree(self.process)
        self.output.close()


def test_ctrl_c_stops_worker_and_beat_through_their_supervisors_and_the_web_server(launch):
    running = launch(Services)
    running.wait_until_up()

    os.killpg(running.process.pid, signal.SIGINT)  # what the terminal does on Ctrl-C

    assert running.process.wait(10) == 130
    running.wait_for(running.all_gone, "every process to end", timeout=5)
    # The worker and beat were stopped by their supervisors, not by the terminal's SIGINT
    # (which would have ended them behind the supervisors' backs and had them restarted).
    assert "worker got SIGTERM" in running.log("worker")
    assert "beat got SIGTERM" in running.log("beat")
    assert "SIGINT" not in running.log("worker") + running.log("beat")
    assert "restarting" not in running.text()


def test_sigterm_stops_everything(launch):
    running = launch(Services)
    running.wait_until_up()

    running.process.send_signal(signal.SIGTERM)

    assert running.process.wait(10) == 143
    running.wait_for(running.all_gone, "every process to end", timeout=5)


def test_a_killed_worker_is_restarted_and_the_web_server_and_beat_stay_up(launch):
    running = launch(Services)
    running.wait_until_up()
    first = running.pids("worker")[0]

    os.kill(first, signal.SIGKILL)

    running.wait_for(lambda: len(running.pids("worker")) == 2, "a new worker")
    assert "civ: worker exited (status 137)" in running.text()
    assert running.process.poll() is None
    assert alive(running.pids("web")[0]) and alive(running.pids("beat")[0])
    assert len(running.pids("beat")) == 1 and len(running.pids("web")) == 1


def test_when_the_web_server_ends_the_worker_and_beat_stop_too(launch):
    running = launch(Services, WEB_LIFETIME="2")
    running.wait_until_up()

    assert running.process.wait(15) == 3
    running.wait_for(running.all_gone, "every process to end", timeout=5)
    assert "civ: the web server stopped (exit 3)" in running.text()
