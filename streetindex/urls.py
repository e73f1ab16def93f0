"""The public street index (指数排行) and the 10-minute service circle; mounted at /index/."""

from django.urls import path

from streetindex import review_views, views
from streetindex.models import IndexFigure

app_name = "streetindex"

urlpatterns = [
    path("", views.streets, name="streets"),
    path("streets.csv", views.streets_csv, name="streets_csv"),
    path("streets/<slug:slug>/", views.street, name="street"),
    path(
        "streets/<slug:slug>/communities.csv",
        views.street_figures_csv,
        {"level": IndexFigure.Level.COMMUNITY},
        name="street_communities_csv",
    ),
    path(
        "streets/<slug:slug>/providers.csv",
        views.street_figures_csv,
        {"level": IndexFigure.Level.PROVIDER},
        name="street_providers_csv",
    ),
    path("communities/<slug:slug>/", views.community, name="community"),
    path("providers/<int:pk>/", views.provider, name="provider"),
    # The district's review: drafts, publishing and the formula (administrators holding publish_index).
    path("review/", review_views.review_list, name="review_list"),
    path("review/formula/", review_views.formula, name="formula"),
    path("review/<str:label>/", review_views.review, name="review"),
    path("review/<str:label>/publish/", review_views.publish, name="publish"),
    path("coverage/", views.coverage, name="coverage"),
    path("coverage/gaps.csv", views.coverage_gaps_csv, name="coverage_gaps_csv"),
]
