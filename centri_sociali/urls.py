from django.urls import path

from . import views

app_name = "centri_sociali"

manage = "gestione/<slug:slug>/"
occurrence = "attivita/<int:pk>/<str:key>/"

urlpatterns = [
    path("", views.centre_list, name="index"),
    path("calendario/", views.city_calendar, name="calendar"),
    path("dati/centri.csv", views.export_csv, name="export_csv"),
    path("dati/centri.json", views.export_json, name="export_json"),
    path("calendario.ics", views.calendar_feed, name="calendar_feed"),
    path("calendario/categoria/<str:category>.ics", views.category_feed, name="category_feed"),
    path("attivita/<int:pk>/", views.activity_detail, name="activity_detail"),
    path(occurrence, views.occurrence_detail, name="occurrence_detail"),
    path(occurrence + "iscriviti/", views.occurrence_register, name="occurrence_register"),
    path(occurrence + "annulla/", views.occurrence_unregister, name="occurrence_unregister"),
    path("le-mie-iscrizioni/", views.my_registrations, name="my_registrations"),
    path("gestione/", views.manage_index, name="manage_index"),
    path(manage, views.manage_centre, name="manage_centre"),
    path(manage + "contatti/", views.manage_centre_edit, name="manage_centre_edit"),
    path(manage + "attivita/nuova/", views.manage_activity_create, name="manage_activity_create"),
    path(manage + "attivita/<int:pk>/", views.manage_activity_edit, name="manage_activity_edit"),
    path(
        manage + "attivita/<int:pk>/elimina/",
        views.manage_activity_delete,
        name="manage_activity_delete",
    ),
    path(
        manage + occurrence + "sospendi/",
        views.manage_occurrence_cancel,
        name="manage_occurrence_cancel",
    ),
    path(
        manage + occurrence + "ripristina/",
        views.manage_occurrence_restore,
        name="manage_occurrence_restore",
    ),
    path(
        manage + occurrence + "sposta/", views.manage_occurrence_move, name="manage_occurrence_move"
    ),
    path(
        manage + occurrence + "iscritti/",
        views.manage_occurrence_registrations,
        name="manage_occurrence_registrations",
    ),
    path("<slug:slug>/", views.centre_detail, name="centre_detail"),
    path("<slug:slug>/segui/", views.centre_follow, name="centre_follow"),
    path("<slug:slug>/calendario.ics", views.centre_feed, name="centre_feed"),
]
