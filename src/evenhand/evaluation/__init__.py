"""Scorers against gold data (quotes now; bias and events later)."""

from .quotes import QuoteScores, load_gold, score_quotes

__all__ = ["QuoteScores", "load_gold", "score_quotes"]
