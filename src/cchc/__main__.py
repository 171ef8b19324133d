"""The ``cchc`` command: Django's management commands with CCHC's settings preselected.

``cchc migrate``, ``cchc runserver``, ``cchc program import FILE`` ...
"""

from __future__ import annotations

import os
import sys


def main(argv: list[str] | None = None) -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "cchc.config.settings")
    from django.core.management import execute_from_command_line

    args = list(sys.argv if argv is None else argv)
    args[0] = "cchc"
    execute_from_command_line(args)


if __name__ == "__main__":
    main()
