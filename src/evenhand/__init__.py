"""evenhand: measure the balance of news coverage.

>>> import evenhand
>>> report = evenhand.analyze("“We agree,” the minister said.")
>>> report.quotes[0].kind
'direct'
"""

from ._logging import logger as _logger  # noqa: F401  installs the NullHandler
from ._version import __version__
from .api import analyze, analyze_many, load_pipeline
from .article import Article, Region
from .errors import (
    ConfigError,
    EmptyInputError,
    EvaluationError,
    EvenhandError,
    InputError,
    PipelineError,
)
from .report import SCHEMA, ActorRecord, QuoteRecord, Report, SpanRecord

__all__ = [
    "SCHEMA",
    "ActorRecord",
    "Article",
    "ConfigError",
    "EmptyInputError",
    "EvaluationError",
    "EvenhandError",
    "InputError",
    "PipelineError",
    "QuoteRecord",
    "Region",
    "Report",
    "SpanRecord",
    "__version__",
    "analyze",
    "analyze_many",
    "load_pipeline",
]
