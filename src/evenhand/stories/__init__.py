"""Same story, different outlets: cluster coverage into stories and compare it.

* :func:`cluster_stories` groups articles on the same story (time window, words, names,
  and the actors and events of their analyses when they have one), blocking by date and
  keys so that the work grows near-linearly with the corpus.
* :func:`compare_story` lines up the articles of one story: voices by side, speakers only
  one outlet quotes, tone toward the main actors, loaded terms, headlines, facts only one
  outlet reports (aligned sentence by sentence), and sides never heard anywhere.
* :func:`render_comparison_html`, :func:`render_comparison_markdown`,
  :func:`render_comparison_text` present a comparison; :meth:`Comparison.to_dict` is its JSON.
"""

from .cluster import (
    DEFAULT_THRESHOLD,
    DEFAULT_WINDOW_DAYS,
    Clustering,
    Encoder,
    StoryArticle,
    cluster_stories,
    story_id,
)
from .compare import SCHEMA, actor_key, compare_story
from .evaluate import bcubed, evaluate_clustering
from .page import COMPARISON_CSS, comparison_body, render_comparison_html
from .views import render_comparison_markdown, render_comparison_text

__all__ = [
    "COMPARISON_CSS",
    "DEFAULT_THRESHOLD",
    "DEFAULT_WINDOW_DAYS",
    "SCHEMA",
    "Clustering",
    "Encoder",
    "StoryArticle",
    "actor_key",
    "bcubed",
    "cluster_stories",
    "compare_story",
    "comparison_body",
    "evaluate_clustering",
    "render_comparison_html",
    "render_comparison_markdown",
    "render_comparison_text",
    "story_id",
]
