"""``cchc integrations procedures`` (to be written)."""

from __future__ import annotations

import argparse
from collections.abc import Callable
from typing import Any


def add(subparsers: Any) -> argparse.ArgumentParser:
    return subparsers.add_parser("procedures", help="(chưa có)")


def run(options: dict[str, Any], out: Callable[[str], None]) -> int:
    out("Lệnh con này chưa được xây dựng.")
    return 2
