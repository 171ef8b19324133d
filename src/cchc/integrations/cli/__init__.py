"""The subcommands of ``cchc integrations``: one module each, with ``add(subparsers)`` (its parser, in
Vietnamese) and ``run(options, out)`` (``out`` writes a line). The command lists them in ``SUBCOMMANDS``."""

SUBCOMMANDS = ("status", "replay", "reconcile", "procedures", "feedback")
