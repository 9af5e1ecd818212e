from django.contrib import admin
from django.urls import include, path
from django.utils.translation import gettext_lazy as _
from django.views.decorators.csrf import csrf_exempt
from django.views.i18n import set_language

from . import views

admin.site.site_header = _("CollabCity – amministrazione")
admin.site.site_title = _("CollabCity")
admin.site.index_title = _("Gestione del portale")

urlpatterns = [
    path("", views.home, name="home"),
    path("quartieri/", views.quartiere_list, name="quartiere_list"),
    path("quartieri/<slug:slug>/", views.quartiere_detail, name="quartiere_detail"),
    path("profilo/", views.profile, name="profile"),
    path("notifiche/", views.inbox, name="inbox"),
    path("notifiche/lette/", views.inbox_mark_read, name="inbox_mark_read"),
    path("healthz", views.healthz, name="healthz"),
    path("riservati/<path:name>", views.private_file, name="private_file"),
    path("privacy/", views.legal_page, {"page": "privacy"}, name="privacy"),
    path("accessibilita/", views.legal_page, {"page": "accessibility"}, name="accessibility"),
    path("note-legali/", views.legal_page, {"page": "legal_notes"}, name="legal_notes"),
    path("dati/", views.opendata, name="opendata"),
    path("dati/catalogo.ttl", views.opendata_rdf, {"fmt": "turtle"}, name="opendata_turtle"),
    path("dati/catalogo.rdf", views.opendata_rdf, {"fmt": "xml"}, name="opendata_rdfxml"),
    path("consulte/", include("consulte.urls")),
    path("accordi/", include("accordi.urls")),
    path("centri-sociali/", include("centri_sociali.urls")),
    path("volontariato/", include("volontariato.urls")),
    path("account/", include("allauth.urls")),
    # The language switch is in the header of every page, cached pages included: a form with
    # a CSRF token would make each page the visitor's own. A forged switch can only change the
    # language someone reads the portal in, and they can switch it back.
    path("i18n/setlang/", csrf_exempt(set_language), name="set_language"),
    path("admin/", admin.site.urls),
]
