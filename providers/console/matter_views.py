"""The station's queue of matters (issue 20): placeholders until the pages land."""

from django.http import Http404


def _todo(request, *args, **kwargs):
    raise Http404


queue = matter = step = _todo
