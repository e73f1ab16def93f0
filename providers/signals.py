"""Changes to slots made in bulk, which Django's model signals do not report.

slots_changed(offering_ids): slots of these offerings were made, removed,
closed, opened or resized by a bulk update (the search index follows them).
"""

from django.dispatch import Signal

slots_changed = Signal()
