"""The ``cchc`` console script runs Django's commands with the project's settings preselected."""

import os
import subprocess
import sys
from pathlib import Path


def test_cchc_command_lists_the_project_commands():
    script = Path(sys.executable).with_name("cchc")
    env = {k: v for k, v in os.environ.items() if k != "DJANGO_SETTINGS_MODULE"}

    result = subprocess.run([str(script), "help"], env=env, capture_output=True, text=True, check=False)

    assert result.returncode == 0, result.stderr
    assert "[org]" in result.stdout
    assert "[program]" in result.stdout
