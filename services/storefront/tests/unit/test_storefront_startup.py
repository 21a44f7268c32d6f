import os
import subprocess
import sys


def test_the_service_refuses_to_start_with_the_development_key_outside_local():
    env = {k: v for k, v in os.environ.items() if not k.startswith(("STOREFRONT_", "HOMEFIELD_"))}

    result = subprocess.run(
        [sys.executable, "-m", "storefront"], env=env, capture_output=True, text=True, timeout=60
    )

    assert result.returncode == 2
    assert "STOREFRONT_API_KEYS" in result.stderr
    assert "only allowed with HOMEFIELD_ENV=local" in result.stderr
    assert "Traceback" not in result.stderr
