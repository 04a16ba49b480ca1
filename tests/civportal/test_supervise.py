"""`./civ start` keeps the worker and beat up: the `supervise` function of `civ`, driven with
a stand-in command that crashes a given number of times and then stays up."""

import os
import re
import signal
import subprocess
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
        """Every process below the supervisor, from /proc (children of children too)."""
        parents = {}
        for stat in Path("/proc").glob("[0-9]*/stat"):
            try:
                fields = stat.read_text().rsplit(")", 1)[1].split()
            except OSError:
                continue  # gone while we looked
            parents[int(stat.parent.name)] = int(fields[1])
        found, frontier = set(), {self.process.pid}
        while frontier:
            frontier = {pid for pid, parent in parents.items() if parent in frontier}
            found |= frontier
        return found

    def terminate(self, within: float) -> float:
        began = time.monotonic()
        self.process.send_signal(signal.SIGTERM)
        status = self.process.wait(within)
        assert status == 143
        return time.monotonic() - began

    def kill(self):
        if self.process.poll() is None:
            self.process.kill()
            self.process.wait()
        self.stderr.close()


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
def supervisors(tmp_path):
    started = []

    def start(**env) -> Supervisor:
        supervisor = Supervisor(tmp_path, **env)
        started.append(supervisor)
        return supervisor

    yield start
    for supervisor in started:
        supervisor.kill()


def test_a_crashing_command_is_restarted_after_doubling_pauses_each_logged(supervisors):
    supervisor = supervisors(CRASHES=3, CIV_RESTART_MIN_MS=200, CIV_RESTART_MAX_MS=10000)

    supervisor.wait_until_up()

    # Told on the terminal and in the command's own log, after its output.
    assert supervisor.announced_pauses(supervisor.terminal()) == [0.2, 0.4, 0.8]
    log = supervisor.log.read_text()
    assert supervisor.announced_pauses(log) == [0.2, 0.4, 0.8]
    assert log.index("run 1") < log.index("restarting in 0.2 s") < log.index("run 2")
    assert re.search(
        r"^\d{4}-\d\d-\d\d \d\d:\d\d:\d\d civ: stand-in exited \(status 3\)", log, re.M
    )
    # And the pauses really were taken, each longer than the one before.
    gaps = supervisor.start_gaps()
    assert len(gaps) == 3
    assert all(gap >= pause for gap, pause in zip(gaps, [0.2, 0.4, 0.8], strict=True))
    assert gaps[0] < gaps[1] < gaps[2]


def test_the_pause_stops_growing_at_the_maximum_and_resets_after_a_long_enough_run(supervisors):
    supervisor = supervisors(
        CRASHES=4,
        LINGER_RUN=5,
        LINGER=1.5,
        CIV_RESTART_MIN_MS=100,
        CIV_RESTART_MAX_MS=300,
        CIV_RESTART_RESET_S=1,
    )

    supervisor.wait_until_up()

    # Four quick crashes: 0.1, 0.2, then capped at 0.3; run 5 stayed up 1.5 s (> 1 s), so
    # its exit is restarted after the minimum pause again.
    assert supervisor.announced_pauses(supervisor.log.read_text()) == [0.1, 0.2, 0.3, 0.3, 0.1]
    assert re.search(
        r"stand-in exited \(status 4\) after 1\.\d s; restarting in 0\.1 s", supervisor.terminal()
    )


def test_sigterm_stops_the_command_and_the_supervisor_leaving_no_process_behind(supervisors):
    supervisor = supervisors(CRASHES=0)
    command = supervisor.wait_until_up()
    below = supervisor.descendants()
    assert command in below

    took = supervisor.terminate(within=5)

    assert took < 2
    assert not [pid for pid in below if alive(pid)]


def test_sigterm_during_a_pause_ends_the_pause_at_once(supervisors):
    supervisor = supervisors(CRASHES=1, CIV_RESTART_MIN_MS=30000)
    deadline = time.monotonic() + 20
    while "restarting in 30.0 s" not in supervisor.terminal():
        assert time.monotonic() < deadline, supervisor.terminal()
        time.sleep(0.05)
    pausing = supervisor.descendants()  # the pause's sleep
    assert pausing

    took = supervisor.terminate(within=5)

    assert took < 2
    assert not [pid for pid in pausing if alive(pid)]
    assert (supervisor.dir / "count").read_text().strip() == "1"  # not started again


def test_a_command_that_ignores_sigterm_is_killed_after_the_grace_period(supervisors):
    supervisor = supervisors(CRASHES=0, IGNORE_TERM=1, CIV_STOP_GRACE_S=1)
    command = supervisor.wait_until_up()

    took = supervisor.terminate(within=10)

    assert 1 <= took < 4
    assert not alive(command)
