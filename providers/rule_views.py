"""Provider console: rule pages (being built; see issue 3)."""

urlpatterns = []
