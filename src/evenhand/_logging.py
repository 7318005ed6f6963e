"""Package logger: silent unless the application configures logging (library etiquette)."""

import logging

logger = logging.getLogger("evenhand")
logger.addHandler(logging.NullHandler())
