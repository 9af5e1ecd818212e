from django.urls import path

from . import views
from .elections import ballot_box_views, desk_views
from .elections import views as election_views

app_name = "consulte"

urlpatterns = [
    path("", views.index, name="index"),
    path("la-mia-consulta/", views.council_mine, name="council_mine"),
    # Elections (consulte/elections/views.py).
    path("elezioni/", election_views.election_list, name="election_list"),
    path("elezioni/ricevute/", election_views.receipt_lookup, name="receipt_lookup"),
    path("elezioni/termina/", election_views.terminal_end, name="terminal_end"),
    path(
        "elezioni/verifica-spid/",
        election_views.election_verify_oidc,
        name="election_verify_oidc",
    ),
    path("elezioni/<int:pk>/", election_views.election_detail, name="election_detail"),
    path(
        "elezioni/<int:pk>/lista-elettorale/",
        election_views.election_roll_check,
        name="election_roll_check",
    ),
    path("elezioni/<int:pk>/verifica/", election_views.election_verify, name="election_verify"),
    path(
        "elezioni/<int:pk>/candidatura/",
        election_views.election_nominate,
        name="election_nominate",
    ),
    path("elezioni/<int:pk>/scheda/", election_views.ballot, name="ballot"),
    # The guardians' pages (consulte/elections/ballot_box_views.py).
    path(
        "elezioni/<int:pk>/garanti/cerimonia/",
        ballot_box_views.key_ceremony,
        name="key_ceremony",
    ),
    path(
        "elezioni/<int:pk>/garanti/apertura/",
        ballot_box_views.open_envelopes,
        name="open_envelopes",
    ),
    path("elezioni/<int:pk>/risultati/", election_views.election_results, name="election_results"),
    path(
        "elezioni/<int:pk>/dati/schede.<str:fmt>",
        election_views.election_opendata,
        name="election_opendata",
    ),
    # The polling desk (consulte/elections/desk_views.py).
    path("elezioni/<int:pk>/seggio/", desk_views.voting_desk, name="voting_desk"),
    path(
        "elezioni/<int:pk>/seggio/<int:point_pk>/<int:elector_pk>/presente/",
        desk_views.voting_desk_present,
        name="voting_desk_present",
    ),
    path(
        "elezioni/<int:pk>/seggio/<int:point_pk>/<int:elector_pk>/votato/",
        desk_views.voting_desk_mark,
        name="voting_desk_mark",
    ),
    path(
        "elezioni/<int:pk>/seggio/<int:point_pk>/<int:elector_pk>/codice/",
        desk_views.voting_desk_issue_code,
        name="voting_desk_issue_code",
    ),
    path(
        "elezioni/<int:pk>/seggio/<int:point_pk>/spoglio/",
        desk_views.voting_desk_count,
        name="voting_desk_count",
    ),
    # Council pages live under the council's slug: keep these last, after every fixed prefix.
    path("<slug:slug>/", views.council_detail, name="council_detail"),
    path("<slug:slug>/riunioni/<int:pk>/", views.meeting_detail, name="meeting_detail"),
    path("<slug:slug>/pareri/<int:pk>/", views.opinion_detail, name="opinion_detail"),
    path("<slug:slug>/pareri/<int:pk>/redazione/", views.opinion_edit, name="opinion_edit"),
]
