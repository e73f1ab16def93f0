from django.utils.translation import gettext_lazy as _
from wagtail.snippets.models import register_snippet
from wagtail.snippets.views.snippets import SnippetViewSet

from search.models import Synonym


class SynonymViewSet(SnippetViewSet):
    """Editors keep the words residents search by (律师 ~ 法律顾问) without a developer."""

    model = Synonym
    icon = "search"
    menu_label = _("Search synonyms")
    menu_order = 800
    add_to_admin_menu = True
    list_display = ["terms"]
    search_fields = ["terms"]


register_snippet(SynonymViewSet)
