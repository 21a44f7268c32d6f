import os
import shutil
import subprocess
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[4]
REAL_TOOLS = ("bash", "sed", "env", "id", "dirname", "cat", "rm", "mkdir", "mv", "chmod", "grep")
FAKE_APT_GET = 'echo "apt-get $*" >> "$SETUP_LOG"\n'
FAKE_SUDO = 'exec "$@"\n'
FAKE_UV = 'echo "uv $*" >> "$SETUP_LOG"\n'
FAKE_TOOL = "exit 0\n"
FAKE_NPM = 'echo "npm $*" >> "$SETUP_LOG"\n'
WEB = "platform/homefield/console/web"
# A python3 without pip until `apt-get install python3-pip` ran.
FAKE_PYTHON3 = """\
if [ "$*" = "-m pip --version" ]; then grep -q python3-pip "$SETUP_LOG"; exit; fi
echo "python3 $*" >> "$SETUP_LOG"
mkdir -p "$HOME/.local/bin"
printf '#!/bin/bash\\n%s' 'echo "uv $*" >> "$SETUP_LOG"' > "$HOME/.local/bin/uv"
chmod +x "$HOME/.local/bin/uv"
"""


@pytest.fixture
def checkout(tmp_path: Path) -> Path:
    root = tmp_path / "repo"
    poms = ("platform/homefield/local/kafka/pom.xml", "platform/homefield/local/zipkin/pom.xml")
    for path in ("platform/scripts/setup.sh", *poms, f"{WEB}/package-lock.json"):
        (root / path).parent.mkdir(parents=True, exist_ok=True)
        shutil.copy(REPO / path, root / path)
    for jar in (
        root / ".cache/kafka/4.1.1/libs/kafka_2.13-4.1.1.jar",
        root / ".cache/zipkin/3.6.1/zipkin-server-3.6.1-exec.jar",
    ):
        jar.parent.mkdir(parents=True)
        jar.touch()
    return root


def _bin(tmp_path: Path, fakes: dict[str, str]) -> Path:
    bin_dir = tmp_path / "bin"
    bin_dir.mkdir()
    for tool in REAL_TOOLS:
        real = shutil.which(tool)
        assert real is not None, f"{tool} is not installed"
        (bin_dir / tool).symlink_to(real)
    for name, body in fakes.items():
        (bin_dir / name).write_text(f"#!/bin/bash\n{body}")
        (bin_dir / name).chmod(0o755)
    return bin_dir


def _setup(root: Path, bin_dir: Path, tmp_path: Path) -> tuple[str, list[str]]:
    log = tmp_path / "calls.log"
    log.touch()
    env = {"PATH": str(bin_dir), "HOME": str(tmp_path / "home"), "SETUP_LOG": str(log)}
    result = subprocess.run(
        [str(bin_dir / "bash"), str(root / "platform/scripts/setup.sh")],
        env=env,
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode == 0, result.stderr
    return result.stdout, log.read_text().splitlines()


def test_a_fresh_machine_gets_pip_and_every_binary_the_stack_runs_before_uv(
    checkout: Path, tmp_path: Path
) -> None:
    fakes = {"apt-get": FAKE_APT_GET, "sudo": FAKE_SUDO, "python3": FAKE_PYTHON3}
    fakes |= {"java": FAKE_TOOL, "mvn": FAKE_TOOL, "promtool": FAKE_TOOL, "npm": FAKE_NPM}
    stdout, calls = _setup(checkout, _bin(tmp_path, fakes), tmp_path)
    packages = (
        "prometheus prometheus-alertmanager kubernetes-client wrk debootstrap chromium"
        " chromium-driver python3-pip"
    )
    assert f"==> installing Debian packages: {packages}" in stdout
    assert calls == [
        "apt-get update -qq",
        f"apt-get install -y -qq --no-install-recommends {packages}",
        "python3 -m pip install --quiet --user uv",
        "uv sync --frozen --quiet",
        f"npm ci --prefix {WEB} --ignore-scripts --no-audit --no-fund --loglevel=error",
    ]


def test_a_machine_with_everything_installs_nothing_and_prints_nothing(
    checkout: Path, tmp_path: Path
) -> None:
    tools = (
        "java",
        "mvn",
        "prometheus",
        "promtool",
        "prometheus-alertmanager",
        "amtool",
        "kubectl",
        "wrk",
        "debootstrap",
        "npm",
        "chromium",
        "chromedriver",
    )
    fakes = {"apt-get": FAKE_APT_GET, "uv": FAKE_UV, **dict.fromkeys(tools, FAKE_TOOL)}
    library = checkout / WEB / "node_modules/uplot/dist/uPlot.iife.min.js"
    library.parent.mkdir(parents=True)
    library.touch()
    (checkout / WEB / "node_modules/.package-lock.json").touch()
    os.utime(checkout / WEB / "package-lock.json", (0, 0))  # the install is newer than the lock
    stdout, calls = _setup(checkout, _bin(tmp_path, fakes), tmp_path)
    assert stdout == ""
    assert calls == ["uv sync --frozen --quiet"]
