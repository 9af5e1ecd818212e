from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as DjangoUserAdmin
from django.utils.translation import gettext_lazy as _

from .forms import HTTPS_URL_FIELDS
from .models import Ambito, MutedTopic, Notification, Organisation, Quartiere, User


class MutedTopicInline(admin.TabularInline):
    # The person's own choice, made on the profile page: staff read it, never change it.
    model = MutedTopic
    fields = ["topic"]
    readonly_fields = ["topic"]
    extra = 0
    can_delete = False

    def has_add_permission(self, request, obj=None):
        return False


@admin.register(User)
class UserAdmin(DjangoUserAdmin):
    ordering = ["email"]
    list_display = ["email", "first_name", "last_name", "quartiere", "is_staff", "is_active"]
    list_filter = ["is_staff", "is_active", "groups", "quartiere__ambito"]
    search_fields = ["email", "first_name", "last_name"]
    autocomplete_fields = ["quartiere"]
    fieldsets = [
        (None, {"fields": ["email", "password"]}),
        (_("Dati personali"), {"fields": ["first_name", "last_name", "quartiere"]}),
        (
            _("Preferenze di notifica"),
            {
                "fields": ["email_notifications"],
                "description": _("Gli argomenti senza e-mail si vedono in fondo alla pagina."),
            },
        ),
        (
            _("Ruoli e permessi"),
            {"fields": ["is_active", "is_staff", "is_superuser", "groups", "user_permissions"]},
        ),
        (_("Date"), {"fields": ["last_login", "date_joined"]}),
    ]
    inlines = [MutedTopicInline]
    add_fieldsets = [
        (None, {"classes": ["wide"], "fields": ["email", "password1", "password2"]}),
    ]


class QuartiereInline(admin.TabularInline):
    model = Quartiere
    fields = ["name", "slug"]
    prepopulated_fields = {"slug": ["name"]}
    extra = 0


@admin.register(Ambito)
class AmbitoAdmin(admin.ModelAdmin):
    list_display = ["code", "name"]
    prepopulated_fields = {"slug": ["name"]}
    inlines = [QuartiereInline]


@admin.register(Quartiere)
class QuartiereAdmin(admin.ModelAdmin):
    list_display = ["name", "ambito"]
    list_filter = ["ambito"]
    search_fields = ["name"]
    prepopulated_fields = {"slug": ["name"]}


@admin.register(Organisation)
class OrganisationAdmin(admin.ModelAdmin):
    list_display = ["name", "kind", "quartiere"]
    list_filter = ["kind", "quartiere__ambito"]
    search_fields = ["name", "description"]
    prepopulated_fields = {"slug": ["name"]}
    autocomplete_fields = ["quartiere"]
    formfield_overrides = HTTPS_URL_FIELDS


class ServiceRecordAdmin(admin.ModelAdmin):
    """Records only the portal's services write (outbox, results, status changes, reminders):
    staff read them in the admin and never add or edit them there."""

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False


@admin.register(Notification)
class NotificationAdmin(ServiceRecordAdmin):
    """Read-only: notifications are written by the portal's events, never by hand."""

    list_display = ["subject", "recipient", "topic", "created_at", "delivered_at", "attempts"]
    list_filter = ["topic", ("delivered_at", admin.EmptyFieldListFilter)]
    search_fields = ["subject", "recipient__email"]
    list_select_related = ["recipient"]
    date_hierarchy = "created_at"
