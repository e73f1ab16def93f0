"""The street index and the 10-minute service circle, read from compute_index's snapshots."""

from ninja import Router

router = Router(tags=["index"])
