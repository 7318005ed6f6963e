"""The evenhand exception hierarchy.

Every error evenhand raises on purpose is an :class:`EvenhandError`. Errors from libraries
(spaCy, trafilatura, the file system) are wrapped at the edge with ``raise ... from exc`` so
callers catch one family and the CLI prints one line instead of a traceback.

::

    EvenhandError
    ├── InputError          an input cannot be read or is not an article
    │   └── EmptyInputError     nothing left to analyse
    ├── PipelineError       the spaCy pipeline cannot be loaded or is unusable
    ├── ConfigError         a user-supplied option or file is invalid
    ├── EvaluationError     gold data cannot be read or scored
    ├── StoreError          the corpus store cannot be opened, migrated, read or written
    ├── NotFoundError       an id that names nothing (an article, a bias report, a user)
    └── AccessError         a login or token refused, or a role not allowed to do that
"""

from __future__ import annotations

__all__ = [
    "AccessError",
    "ConfigError",
    "EmptyInputError",
    "EvaluationError",
    "EvenhandError",
    "InputError",
    "NotFoundError",
    "PipelineError",
    "StoreError",
]


class EvenhandError(Exception):
    """Base class of every error evenhand raises on purpose."""


class InputError(EvenhandError):
    """An input cannot be read, decoded or parsed.

    ``source`` names the input (a path, ``<stdin>``, or ``path:line``) so that a message can
    always say which input failed.
    """

    def __init__(self, source: str, problem: str) -> None:
        self.source = source
        self.problem = problem
        super().__init__(f"{source}: {problem}")


class EmptyInputError(InputError):
    """The input holds no text to analyse (empty, whitespace only, or only boilerplate)."""


class PipelineError(EvenhandError):
    """The spaCy pipeline cannot be loaded or lacks what evenhand needs."""


class ConfigError(EvenhandError):
    """A user-supplied option or file is invalid."""


class EvaluationError(EvenhandError):
    """Gold data cannot be read or does not have the expected shape."""


class StoreError(EvenhandError):
    """The corpus store (evenhand.store) cannot be opened, migrated, read or written: a bad
    database URL, an unreachable server, a database from a newer evenhand."""


class NotFoundError(EvenhandError):
    """An id that names nothing in the store: an article, a bias report, a user."""


class AccessError(EvenhandError):
    """A login, session or API token refused, or a role not allowed to do something."""
