"""Presenting reports: a Rich terminal view and JSON / JSONL writers.

Every writer takes reports one at a time and writes each as soon as it is given, so a long
batch streams: ``writer.write(report)`` for each report, then ``writer.close()``.
"""

from .text import make_console, render_report, render_scores
from .writers import FORMATS, JsonlWriter, JsonWriter, ReportWriter, TextWriter, make_writer

__all__ = [
    "FORMATS",
    "JsonWriter",
    "JsonlWriter",
    "ReportWriter",
    "TextWriter",
    "make_console",
    "make_writer",
    "render_report",
    "render_scores",
]
