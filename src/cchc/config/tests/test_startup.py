"""A web process loads its views and freezes what it holds at start-up (``cchc.config.wsgi``)."""

from __future__ import annotations

import json
import subprocess
import sys

PROBE = (
    "import gc, json, sys; import cchc.config.wsgi; "
    "print(json.dumps(['cchc.indicators.web.views' in sys.modules, gc.get_freeze_count()]))"
)


def test_the_wsgi_process_loads_its_views_and_freezes_the_start_up_objects() -> None:
    done = subprocess.run([sys.executable, "-c", PROBE], capture_output=True, text=True, timeout=120, check=True)
    views_loaded, frozen = json.loads(done.stdout.strip().splitlines()[-1])
    assert views_loaded is True
    assert frozen > 10_000
