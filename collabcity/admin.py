from django import forms
from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as DjangoUserAdmin
from django.contrib.contenttypes.admin import GenericTabularInline
from django.utils import timezone
from django.utils.text import capfirst
from django.utils.translation import gettext_lazy as _
from simple_history.admin import SimpleHistoryAdmin

from . import city
from .forms import HTTPS_URL_FIELDS
from .models import Ambito, FactSource, MutedTopic, Notification, Organisation, Quartiere, User


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


class FactSourceInline(GenericTabularInline):
    """The sources of a record's facts. A row added or edited here states the fact as the
    record holds it once saved; a source of a value since changed no longer counts."""

    model = FactSource
    extra = 0
    fields = ["fact", "url", "read_on", "note", "stated_value", "recorded_by"]
    readonly_fields = ["stated_value", "recorded_by"]

    def formfield_for_dbfield(self, db_field, request, **kwargs):
        if db_field.name == "fact":
            return forms.ChoiceField(
                label=capfirst(db_field.verbose_name), choices=fact_choices(self.parent_model)
            )
        if db_field.name == "read_on":
            kwargs["initial"] = timezone.localdate
        return super().formfield_for_dbfield(db_field, request, **kwargs)

    @admin.display(description=_("valore attestato"))
    def stated_value(self, source: FactSource) -> str:
        if not source.pk:
            return "—"
        field = self.parent_model._meta.get_field(source.fact)
        if field.is_relation and source.value:
            return str(field.related_model.objects.filter(pk=source.value).first() or "—")
        return str(dict(field.flatchoices).get(source.value, source.value))


def fact_choices(model) -> list[tuple[str, str]]:
    return [
        (fact, capfirst(model._meta.get_field(fact).verbose_name)) for fact in model.SOURCED_FACTS
    ]


class CityRecordAdmin(SimpleHistoryAdmin):
    """A record of the city data: its history, the sources of its facts, and what it still
    lacks. A fact a person changes here without a source is vouched for by that person."""

    def get_queryset(self, request):
        return super().get_queryset(request).prefetch_related("sources")

    @admin.display(description=_("da verificare"))
    def to_verify(self, record) -> str:
        unverified = set(record.unverified_facts())
        labels = [label for fact, label in fact_choices(type(record)) if fact in unverified]
        return ", ".join(str(label) for label in labels) or "—"

    def save_formset(self, request, form, formset, change):
        if formset.model is not FactSource:
            return super().save_formset(request, form, formset, change)
        for source in formset.save(commit=False):
            source.value = form.instance.fact_value(source.fact)
            source.recorded_by = request.user
            source.save()
        for source in formset.deleted_objects:
            source.delete()

    def save_related(self, request, form, formsets, change):
        super().save_related(request, form, formsets, change)
        city.vouch_for_corrections(record=form.instance, facts=form.changed_data, user=request.user)


class QuartiereInline(admin.TabularInline):
    """The ambito's quartieri, corrected each on its own page with its sources."""

    model = Quartiere
    fields = ["name"]
    readonly_fields = ["name"]
    show_change_link = True
    extra = 0

    def has_add_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(Ambito)
class AmbitoAdmin(CityRecordAdmin):
    list_display = ["code", "name", "to_verify"]
    fields = ["code", "name", "slug"]
    inlines = [QuartiereInline, FactSourceInline]


@admin.register(Quartiere)
class QuartiereAdmin(CityRecordAdmin):
    list_display = ["name", "ambito", "to_verify"]
    list_filter = ["ambito"]
    search_fields = ["name"]
    prepopulated_fields = {"slug": ["name"]}
    inlines = [FactSourceInline]


@admin.register(Organisation)
class OrganisationAdmin(CityRecordAdmin):
    list_display = ["name", "kind", "quartiere", "to_verify"]
    list_filter = ["kind", "quartiere__ambito"]
    search_fields = ["name", "description"]
    prepopulated_fields = {"slug": ["name"]}
    autocomplete_fields = ["quartiere"]
    formfield_overrides = HTTPS_URL_FIELDS
    inlines = [FactSourceInline]


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
