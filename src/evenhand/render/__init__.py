"""Presenting reports: a Rich terminal view, JSON / JSONL, Markdown and a standalone HTML
page.

Every writer takes reports one at a time and writes each as soon as it is given, so a long
batch streams: ``writer.write(report)`` for each report, then ``writer.close()``.
"""

from .html import HtmlWriter, render_html, render_html_page
from .markdown import MarkdownWriter, render_markdown
from .text import make_console, render_report, render_scores
from .writers import FORMATS, JsonlWriter, JsonWriter, ReportWriter, TextWriter, make_writer

__all__ = [
    "FORMATS",
    "HtmlWriter",
    "JsonWriter",
    "JsonlWriter",
    "MarkdownWriter",
    "ReportWriter",
    "TextWriter",
    "make_console",
    "make_writer",
    "render_html",
    "render_html_page",
    "render_markdown",
    "render_report",
    "render_scores",
]
