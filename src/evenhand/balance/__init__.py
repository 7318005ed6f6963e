"""The balance report: sides, the voice ledger, findings and indicators (see
docs/report-schema.md and docs/indicators.md)."""

from .ledger import annotate_balance
from .sides import SideMap, load_sides

__all__ = ["SideMap", "annotate_balance", "load_sides"]
