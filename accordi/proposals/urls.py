"""Included by accordi/urls.py in the "accordi" namespace, before the agreements' slugs."""

from django.urls import path

from . import views

urlpatterns = [
    path("avvisi/", views.call_list, name="call_list"),
    path("avvisi/<slug:slug>/", views.call_detail, name="call_detail"),
    path("proposte/", views.proposal_list, name="proposal_list"),
    path("proposte/mappa/", views.proposal_map, name="proposal_map"),
    path("proposte/dati/proposte.csv", views.export_csv, name="proposal_export_csv"),
    path("proposte/dati/proposte.json", views.export_json, name="proposal_export_json"),
    path("proposte/nuova/", views.proposal_create, name="proposal_create"),
    path("proposte/mie/", views.my_proposals, name="my_proposals"),
    path("proposte/moderazione/", views.moderation, name="moderation"),
    path("proposte/<int:pk>/", views.proposal_detail, name="proposal_detail"),
    path("proposte/<int:pk>/modifica/", views.proposal_edit, name="proposal_edit"),
    path("proposte/<int:pk>/presenta/", views.proposal_submit, name="proposal_submit"),
    path("proposte/<int:pk>/ritira/", views.proposal_withdraw, name="proposal_withdraw"),
    path("proposte/<int:pk>/elimina/", views.proposal_discard, name="proposal_discard"),
    path("proposte/<int:pk>/sostegno/", views.proposal_support, name="proposal_support"),
    path("proposte/<int:pk>/segui/", views.proposal_follow, name="proposal_follow"),
    path("proposte/<int:pk>/commenti/", views.proposal_comment, name="proposal_comment"),
    path(
        "proposte/<int:pk>/commenti/<int:comment>/segnala/",
        views.comment_report,
        name="comment_report",
    ),
    path(
        "proposte/<int:pk>/commenti/<int:comment>/modera/",
        views.comment_moderate,
        name="comment_moderate",
    ),
    path("proposte/<int:pk>/valutazione/", views.proposal_evaluate, name="proposal_evaluate"),
    path("proposte/<int:pk>/decisione/", views.proposal_decide, name="proposal_decide"),
    path("proposte/<int:pk>/accordo/", views.proposal_convert, name="proposal_convert"),
    path(
        "proposte/<int:pk>/documenti/<int:document>/",
        views.proposal_attachment,
        name="proposal_attachment",
    ),
]
