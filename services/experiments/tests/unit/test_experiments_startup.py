"""Starting the service with a bad experiments.yaml stops it with one line naming file and line."""

import os
import subprocess
import sys
from pathlib import Path

LIVE_FILE = Path(__file__).resolve().parents[2] / "experiments.yaml"


def test_a_bad_experiments_file_exits_2_with_the_file_and_line(tmp_path: Path) -> None:
    text = LIVE_FILE.read_text()
    last_weight = text.rindex("weight: 50")
    bad = tmp_path / "experiments.yaml"
    bad.write_text(text[:last_weight] + "weight: -5" + text[last_weight + len("weight: 50") :])
    line = text[:last_weight].count("\n") + 1
    env = {**os.environ, "EXPERIMENTS_EXPERIMENTS_FILE": str(bad)}
    result = subprocess.run(
        [sys.executable, "-m", "experiments"],
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert result.returncode == 2
    problem = "experiments.0.variants.1.weight: Input should be greater than 0"
    assert result.stderr.strip().splitlines() == [f"experiments: {bad}:{line}: {problem}"]
    assert "Traceback" not in result.stderr
