"""Signals about holdings, for the apps that keep copies elsewhere (issue 17 point 4).

``holdings_erasing`` is sent by the retention sweep inside the transaction that erases a
chunk of due holdings, before they go, to the apps that registered a receiver: the external
stores (stores/apps.py) ask for the same person's data of the same source to be erased in
each store, in the same transaction, so that the sweep and the stores' erasure requests
commit or vanish together. Arguments: ``holding_ids``, the holdings about to be erased (a
receiver reads what it needs of them, and nothing when it has nothing to do: no store, no
query); ``reason``, what asked (``retention:<day>``); ``actor``. Retention and stores
sit side by side in the layers and cannot import each other: the signal lives here, below
both.
"""

from __future__ import annotations

from django.dispatch import Signal

holdings_erasing = Signal()
