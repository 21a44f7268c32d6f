import sys
from pathlib import Path

from homefield.local import processes

FAKE_SLEEPER = (
    sys.executable,
    "-c",
    "import time\nprint('FakeSleeper up', flush=True)\ntime.sleep(600)",
)
FAKE_STUBBORN = (
    sys.executable,
    "-c",
    "import signal, time\n"
    "signal.signal(signal.SIGTERM, signal.SIG_IGN)\n"
    "print('FakeStubborn up', flush=True)\n"
    "time.sleep(600)",
)
FAKE_QUICK = (sys.executable, "-c", "print('FakeQuick done')")


def _spawn(tmp_path: Path, command: tuple[str, ...]) -> tuple[int, Path, Path]:
    log, pid_file = tmp_path / "logs" / "fake.log", tmp_path / "pids" / "fake.pid"
    pid = processes.spawn(command, cwd=tmp_path, log_path=log, pid_path=pid_file)
    return pid, log, pid_file


def test_a_spawned_process_is_recorded_and_stops_on_sigterm(tmp_path: Path) -> None:
    pid, log, pid_file = _spawn(tmp_path, FAKE_SLEEPER)
    assert processes.read_pid(pid_file) == pid
    assert processes.running_pid(pid_file) == pid
    killed = processes.stop(pid_file, timeout=30)
    assert killed is False
    assert not processes.is_running(pid)
    assert not pid_file.exists()


def test_a_process_that_ignores_sigterm_is_killed_after_the_timeout(tmp_path: Path) -> None:
    pid, log, pid_file = _spawn(tmp_path, FAKE_STUBBORN)
    while "FakeStubborn up" not in log.read_text():
        processes.wait_gone(pid, 0.1)
    assert processes.stop(pid_file, timeout=0.5) is True
    assert not processes.is_running(pid)


def test_output_goes_to_the_log_and_an_exited_process_counts_as_gone(tmp_path: Path) -> None:
    pid, log, pid_file = _spawn(tmp_path, FAKE_QUICK)
    assert processes.wait_gone(pid, 30)
    assert processes.running_pid(pid_file) is None
    assert "FakeQuick done" in log.read_text()


def test_missing_or_garbled_pid_files_mean_not_running(tmp_path: Path) -> None:
    assert processes.running_pid(tmp_path / "none.pid") is None
    garbled = tmp_path / "garbled.pid"
    garbled.write_text("not a pid\n")
    assert processes.read_pid(garbled) is None
    assert processes.stop(garbled, timeout=1) is False


def test_kill_now_ends_the_whole_process_group(tmp_path: Path) -> None:
    parent = (
        sys.executable,
        "-c",
        "import subprocess, sys, time\n"
        "child = subprocess.Popen([sys.executable, '-c', 'import time; time.sleep(600)'])\n"
        "print(child.pid, flush=True)\n"
        "time.sleep(600)",
    )
    pid, log, _ = _spawn(tmp_path, parent)
    while not log.read_text().strip():
        processes.wait_gone(pid, 0.1)
    child = int(log.read_text().split()[0])
    processes.kill_now(pid)
    assert not processes.is_running(pid)
    assert processes.wait_gone(child, 30)


def test_a_pid_file_from_before_a_reboot_never_stops_an_unrelated_process(tmp_path: Path) -> None:
    pid, _, pid_file = _spawn(tmp_path, FAKE_SLEEPER)
    recorded = processes.start_time(pid)
    assert pid_file.read_text().split() == [str(pid), recorded]
    stale = tmp_path / "stale.pid"
    stale.write_text(f"{pid} 1\n")
    assert processes.running_pid(stale) is None
    assert processes.stop(stale, timeout=1) is False
    assert processes.running_pid(pid_file) == pid
    processes.stop(pid_file, timeout=30)
