from django.urls import path

from . import views

app_name = "volontariato"

urlpatterns = [
    path("", views.index, name="index"),
    path("opportunita/", views.opportunity_list, name="opportunity_list"),
    path("opportunita/<int:pk>/", views.opportunity_detail, name="opportunity_detail"),
    path("turni/<int:pk>/iscrizione/", views.shift_signup, name="shift_signup"),
    path("iscrizioni/<int:pk>/annulla/", views.signup_cancel, name="signup_cancel"),
    path("iscrizioni/<int:pk>/ore/", views.submit_hours, name="submit_hours"),
    path("candidatura/", views.apply, name="apply"),
    path("il-mio-volontariato/", views.my_volunteering, name="my_volunteering"),
    path("il-mio-volontariato/preferenze/", views.preferences, name="preferences"),
    path("il-mio-volontariato/dati.json", views.personal_data, name="personal_data"),
    path("il-mio-volontariato/lascia-albo/", views.cease, name="cease"),
    path("attestati/richiesta/", views.certificate_request, name="certificate_request"),
    path("attestati/verifica/", views.certificate_verify, name="certificate_verify"),
    path("attestati/<str:code>.pdf", views.certificate_download, name="certificate_download"),
    path("coordinamento/", views.coordination, name="coordination"),
    path("coordinamento/turni/<int:pk>/", views.shift_attendance, name="shift_attendance"),
    path(
        "coordinamento/iscrizioni/<int:pk>/presenza/",
        views.record_attendance,
        name="record_attendance",
    ),
    path("coordinamento/opportunita/nuova/", views.opportunity_create, name="opportunity_create"),
    path(
        "coordinamento/opportunita/<int:pk>/modifica/",
        views.opportunity_edit,
        name="opportunity_edit",
    ),
    path("coordinamento/opportunita/<int:pk>/turni/", views.shift_add, name="shift_add"),
    path("albo/", views.volunteer_list, name="volunteer_list"),
    path("albo/<int:pk>/", views.volunteer_detail, name="volunteer_detail"),
    path("totali/", views.totals, name="totals"),
    path("dati/ore-per-<str:group>.csv", views.open_totals, name="open_totals"),
]
