"""The app's routes: ``pages`` (analyse, dashboard, assets), ``reader`` (articles and reader
bias reports), ``editor`` (sign-in and triage pages) and ``api`` (JSON, under ``/api``)."""
