"""Assessment widgets for the peer support course.

Everything a learner's kernel imports lives here, and stays light: no
pandas, no plotting. See :class:`Page` for how a notebook uses it.
"""

from .bank import Item, ItemBank, ItemBankError, load_bank
from .base import ItemWidget
from .choice import MultipleSelect, SingleChoice
from .matching import Matching
from .page import Page, make_widget
from .rating import RatingScale
from .reflection import Reflection
from .store import ResponseStore, StoreError

__version__ = "0.1.0"

__all__ = [
    "Item",
    "ItemBank",
    "ItemBankError",
    "ItemWidget",
    "Matching",
    "MultipleSelect",
    "Page",
    "RatingScale",
    "Reflection",
    "ResponseStore",
    "SingleChoice",
    "StoreError",
    "load_bank",
    "make_widget",
]
