"""Provider console: counter pages (being built; see issue 3)."""

urlpatterns = []
