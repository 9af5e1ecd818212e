from django.urls import include, path

from . import views

app_name = "accordi"

urlpatterns = [
    path("", views.index, name="index"),
    path("come-funziona/", views.about, name="about"),
    path("dati/accordi.csv", views.export_csv, name="export_csv"),
    path("dati/accordi.json", views.export_json, name="export_json"),
    # Calls and proposals, before the agreements' slugs that would shadow them.
    path("", include("accordi.proposals.urls")),
    path("<slug:slug>/", views.detail, name="detail"),
    path("<slug:slug>/anteprima/", views.preview, name="preview"),
    path("<slug:slug>/bozza/", views.draft, name="draft"),
    path("<slug:slug>/bozza/commenti/", views.comment, name="comment"),
    path("<slug:slug>/documenti/<int:pk>/", views.attachment, name="attachment"),
]
