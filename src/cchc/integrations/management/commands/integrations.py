"""``cchc integrations <subcommand>``: the connections to the national systems (see ``cchc.integrations.cli``)."""

from __future__ import annotations

import importlib
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from cchc.integrations.cli import SUBCOMMANDS


class Command(BaseCommand):
    help = (
        "Liên thông với các hệ thống quốc gia (Cổng DVCQG, CSDL quốc gia về TTHC, hệ thống PAKN). "
        "Lệnh con: " + ", ".join(SUBCOMMANDS) + "."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        sub = parser.add_subparsers(dest="subcommand", required=True)
        for name in SUBCOMMANDS:
            importlib.import_module(f"cchc.integrations.cli.{name}").add(sub)

    def handle(self, *args: Any, **options: Any) -> None:
        module = importlib.import_module(f"cchc.integrations.cli.{options['subcommand']}")
        code = module.run(options, self.stdout.write)
        if code:
            raise CommandError(f"«cchc integrations {options['subcommand']}» kết thúc với mã {code}.", returncode=code)
