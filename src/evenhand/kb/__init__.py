"""The knowledge base: countries and their institutions, news media, international
organisations and titles, each mapped to the role an actor speaking for it plays.

::

    from evenhand.kb import load_kb

    kb = load_kb()
    kb.country_for("Chinese")            # 'CHN'
    kb.institution_for("Kremlin").role   # 'government'
    kb.media_for("Xinhua").type          # 'state_media'
    kb.organization_for("NATO").role     # 'international_organization'
    kb.role_for_title("ambassador")      # 'diplomat'

The data are YAML files in this package (schema and provenance: README.md here).
"""

from __future__ import annotations

from .loader import KB_DIR, load_kb
from .model import (
    INSTITUTION_ROLES,
    MEDIA_TYPES,
    ORGANIZATION_TYPES,
    ROLES,
    Country,
    Institution,
    KnowledgeBase,
    MediaOutlet,
    Organization,
)

__all__ = [
    "INSTITUTION_ROLES",
    "KB_DIR",
    "MEDIA_TYPES",
    "ORGANIZATION_TYPES",
    "ROLES",
    "Country",
    "Institution",
    "KnowledgeBase",
    "MediaOutlet",
    "Organization",
    "load_kb",
]
