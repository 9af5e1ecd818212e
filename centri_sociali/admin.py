from django.contrib import admin, messages
from django.http import HttpResponseRedirect
from django.utils.translation import gettext_lazy as _

from collabcity.admin import CityRecordAdmin, FactSourceInline
from collabcity.forms import HTTPS_URL_FIELDS

from . import services
from .forms import ActivityAdminForm
from .models import (
    Activity,
    Centre,
    CentreFollow,
    Facility,
    Occurrence,
    OpeningHours,
    Registration,
    Room,
)


class RoomInline(admin.TabularInline):
    model = Room
    extra = 0


class OpeningHoursInline(admin.TabularInline):
    model = OpeningHours
    extra = 0


@admin.register(Centre)
class CentreAdmin(CityRecordAdmin):
    list_display = ["name", "kind", "quartiere", "organisation", "agreement_end", "to_verify"]
    list_filter = ["kind", "quartiere__ambito", "network", "facilities"]
    search_fields = ["name", "address"]
    prepopulated_fields = {"slug": ["name"]}
    autocomplete_fields = ["quartiere", "organisation", "network"]
    formfield_overrides = HTTPS_URL_FIELDS
    filter_horizontal = ["managers", "facilities"]
    list_select_related = ["quartiere", "organisation"]
    inlines = [RoomInline, OpeningHoursInline, FactSourceInline]
    fieldsets = [
        (
            None,
            {
                "fields": [
                    "name",
                    "slug",
                    "kind",
                    "description",
                    "organisation",
                    "network",
                    "managers",
                ]
            },
        ),
        (
            _("Dove"),
            {
                "fields": [
                    "address",
                    "quartiere",
                    "latitude",
                    "longitude",
                    "position_is_approximate",
                ]
            },
        ),
        (_("Contatti"), {"fields": ["phone", "email", "website"]}),
        (_("Convenzione di gestione"), {"fields": ["agreement_start", "agreement_end"]}),
        (_("Servizi e accessibilità"), {"fields": ["facilities", "accessibility_notes"]}),
    ]


@admin.register(Facility)
class FacilityAdmin(admin.ModelAdmin):
    list_display = ["name"]
    search_fields = ["name"]
    prepopulated_fields = {"slug": ["name"]}


@admin.register(Room)
class RoomAdmin(admin.ModelAdmin):
    list_display = ["name", "centre", "capacity"]
    list_filter = ["centre"]
    search_fields = ["name", "centre__name"]
    list_select_related = ["centre"]


class OccurrenceInline(admin.TabularInline):
    """Dates that differ from the rule; they are changed from the managers' page, which
    notifies the people concerned, so here they are read-only."""

    model = Occurrence
    extra = 0
    can_delete = False
    fields = ["original_start", "starts_at", "ends_at", "room", "cancelled", "note"]
    readonly_fields = fields

    def has_add_permission(self, request, obj=None):
        return False


@admin.register(Activity)
class ActivityAdmin(admin.ModelAdmin):
    form = ActivityAdminForm
    list_display = ["title", "centre", "category", "recurrence", "starts_at", "room"]
    list_filter = ["category", "audience", "recurrence", "centre__quartiere__ambito", "centre"]
    search_fields = ["title", "centre__name"]
    list_select_related = ["centre", "room"]
    autocomplete_fields = ["centre"]
    date_hierarchy = "starts_at"
    inlines = [OccurrenceInline]

    def save_model(self, request, obj, form, change):
        # The service repeats the clash check under the room's lock before saving.
        services.save_activity(activity=obj)

    def changeform_view(self, request, *args, **kwargs):
        try:
            return super().changeform_view(request, *args, **kwargs)
        except services.ActivityError as error:
            # Someone took the room between the form's check and the save: the admin's
            # transaction saved nothing; say why and let staff try again.
            self.message_user(request, error.messages[0], messages.ERROR)
            return HttpResponseRedirect(request.get_full_path())


@admin.register(Registration)
class RegistrationAdmin(admin.ModelAdmin):
    list_display = ["occurrence", "user", "status", "created_at"]
    list_filter = ["status"]
    search_fields = ["user__email", "occurrence__activity__title"]
    list_select_related = ["occurrence__activity", "user"]
    readonly_fields = ["occurrence", "user", "status", "created_at", "cancelled_at", "promoted_at"]

    def has_add_permission(self, request):
        # Places are taken through the service, which holds the date's lock and the capacity.
        return False


@admin.register(CentreFollow)
class CentreFollowAdmin(admin.ModelAdmin):
    list_display = ["centre", "user", "created_at"]
    list_select_related = ["centre", "user"]
    search_fields = ["centre__name", "user__email"]
