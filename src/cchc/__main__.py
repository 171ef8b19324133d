"""The ``cchc`` command: Django's management commands with CCHC's settings preselected.

``cchc migrate``, ``cchc runserver``, ``cchc program import FILE`` ...
"""

from __future__ import annotations

import os
import sys


def main(argv: list[str] | None = None) -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "cchc.config.settings")
    from django.core.management import execute_from_command_line

    from cchc.common.cli import install, os_error_text

    install()  # argparse's messages in Vietnamese for every command
    args = list(sys.argv if argv is None else argv)
    args[0] = "cchc"
    try:
        execute_from_command_line(args)
    except OSError as exc:  # a file a command was given: said in Vietnamese, not as a traceback
        sys.stderr.write(f"Lỗi: {os_error_text(exc)}\n")
        sys.exit(1)


if __name__ == "__main__":
    main()
