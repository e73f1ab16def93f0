"""Provider console: closure pages (being built; see issue 3)."""

urlpatterns = []
