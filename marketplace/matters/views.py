"""The resident's pages of matters (issue 20): placeholders until the pages land."""

from django.http import Http404


def _todo(request, *args, **kwargs):
    raise Http404


matter_list = choose_kind = submit = progress = respond = material = detail = add_material = take_step = _todo
