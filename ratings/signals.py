"""What happened to a rating or its case, for whoever needs to react (notices).

Sent inside the transaction that made the change: receivers that talk to the
outside world defer their work with ``transaction.on_commit``.
"""

from django.dispatch import Signal

# rating: a resident has just rated a visit.
rating_posted = Signal()
# case: a poor rating opened this follow-up case (a ``follow_up`` matter); the provider must answer.
# The case's later steps are the matter's, and notices of them go out from ``marketplace.matters``.
case_opened = Signal()
