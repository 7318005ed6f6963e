"""The ``evenhand`` subcommands, one module per area; see evenhand.cli."""
