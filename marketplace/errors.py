"""The one base of every domain error: a rule said no.

A domain error carries a ``code`` (for programs: the API's ``code``, never
translated, never changed) and a ``message`` (for people, already in the
request's language). It carries no HTTP status: each door decides how to
answer (:mod:`marketplace.answers` for the doors that speak HTTP, messages on
the web pages).
"""


class DomainError(Exception):
    code = "refused"

    def __init__(self, message):
        super().__init__(message)
        self.message = message
