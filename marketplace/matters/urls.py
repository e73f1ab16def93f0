from django.urls import path

from marketplace.matters import views

app_name = "matters"

urlpatterns = [
    path("", views.matter_list, name="list"),
    path("new/", views.choose_kind, name="new"),
    path("new/<str:kind>/", views.submit, name="submit"),
    path("progress/", views.progress, name="progress"),
    path("outreach/", views.outreach_menu, name="outreach"),
    path("respond/<str:token>/", views.respond, name="respond"),
    path("materials/<int:material_id>/", views.material, name="material"),
    path("<str:reference>/", views.detail, name="detail"),
    path("<str:reference>/materials/", views.add_material, name="add-material"),
    path("<str:reference>/steps/", views.take_step, name="step"),
]
