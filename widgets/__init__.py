"""Assessment widgets for the peer support course.

Everything a learner's kernel imports lives here, and stays light: no
pandas, no plotting. See :class:`Page` for how a notebook uses it.
"""

from peer_widgets.bank import Item, ItemBank, ItemBankError, load_bank
from peer_widgets.controls.base import ItemWidget
from peer_widgets.controls.choice import MultipleSelect, SingleChoice
from peer_widgets.controls.matching import Matching
from peer_widgets.controls.rating import RatingScale
from peer_widgets.controls.reflection import Reflection
from peer_widgets.pages.page import Page, make_widget
from peer_widgets.store import ResponseStore, StoreError

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
