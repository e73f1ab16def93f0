"""What happened to a rating or its case, for whoever needs to react (notices).

Sent inside the transaction that made the change: receivers that talk to the
outside world defer their work with ``transaction.on_commit``.
"""

from django.dispatch import Signal

# rating: a resident has just rated a visit.
rating_posted = Signal()
# case: a poor rating opened this follow-up case; the provider must answer.
case_opened = Signal()
# case: the provider answered; the resident is asked whether it is resolved.
case_answered = Signal()
# case: closed (resolved, not resolved, or lapsed without the resident's word).
case_closed = Signal()
