"""Admin for municipal staff: every change of status or sign-up goes through the services."""

from django import forms
from django.contrib import admin, messages
from django.utils.translation import gettext_lazy as _

from . import services
from .models import Certificate, HoursLog, Opportunity, Shift, Signup, StatusChange, Volunteer


class StatusChangeInline(admin.TabularInline):
    model = StatusChange
    extra = 0
    can_delete = False
    fields = ["from_status", "to_status", "changed_by", "changed_at", "note"]
    readonly_fields = fields

    def has_add_permission(self, request, obj=None):
        return False


class VolunteerAdminForm(forms.ModelForm):
    class Meta:
        model = Volunteer
        fields = ["status", "insurance_from", "insurance_to", "training_notes"]

    def clean(self):
        cleaned = super().clean()
        before = Volunteer.objects.get(pk=self.instance.pk)
        status = cleaned.get("status", before.status)
        insurance = (cleaned.get("insurance_from"), cleaned.get("insurance_to"))
        moved = status != before.status
        renewed = status == Volunteer.Status.ACTIVE and insurance != (
            before.insurance_from,
            before.insurance_to,
        )
        if moved or renewed:
            try:
                services.validate_status_change(
                    volunteer=before,
                    to_status=status,
                    insurance_from=insurance[0],
                    insurance_to=insurance[1],
                )
            except services.StatusError as error:
                raise forms.ValidationError(error.messages) from error
        elif insurance != (before.insurance_from, before.insurance_to):
            raise forms.ValidationError(
                _("La copertura assicurativa si registra quando si attiva il volontario.")
            )
        return cleaned


@admin.register(Volunteer)
class VolunteerAdmin(admin.ModelAdmin):
    form = VolunteerAdminForm
    list_display = ["__str__", "status", "insurance_from", "insurance_to", "applied_at"]
    list_filter = ["status", "quartieri__ambito"]
    search_fields = ["user__first_name", "user__last_name", "user__email"]
    list_select_related = ["user"]
    readonly_fields = [
        "user",
        "birth_date",
        "phone",
        "skills",
        "availability",
        "quartieri",
        "motivation",
        "consent_at",
        "consent_version",
        "applied_at",
        "ceased_at",
    ]
    inlines = [StatusChangeInline]

    def has_add_permission(self, request):
        # Citizens apply from the portal, which records their consent.
        return False

    def has_delete_permission(self, request, obj=None):
        return False

    def save_model(self, request, obj, form, change):
        before = Volunteer.objects.get(pk=obj.pk)
        moved = obj.status != before.status
        renewed = obj.status == Volunteer.Status.ACTIVE and (
            obj.insurance_from,
            obj.insurance_to,
        ) != (before.insurance_from, before.insurance_to)
        if moved or renewed:
            services.change_status(
                volunteer=before,
                to_status=obj.status,
                by=request.user,
                insurance_from=obj.insurance_from,
                insurance_to=obj.insurance_to,
                training_notes=obj.training_notes,
            )
        else:
            Volunteer.objects.filter(pk=obj.pk).update(training_notes=obj.training_notes)


class ShiftInline(admin.TabularInline):
    model = Shift
    extra = 1
    fields = ["starts_at", "ends_at", "places"]


@admin.register(Opportunity)
class OpportunityAdmin(admin.ModelAdmin):
    list_display = ["title", "organisation", "quartiere", "coordinator", "published"]
    list_filter = ["published", "organisation", "quartiere__ambito"]
    search_fields = ["title", "description", "place"]
    autocomplete_fields = ["quartiere", "organisation", "centre", "agreement", "coordinator"]
    filter_horizontal = ["skills"]
    list_select_related = ["organisation", "quartiere", "coordinator"]
    inlines = [ShiftInline]


class SignupAddForm(forms.ModelForm):
    waiting_list = forms.BooleanField(
        label=_("Se il turno è al completo, metti in lista d'attesa"), required=False
    )

    class Meta:
        model = Signup
        fields = ["shift", "volunteer"]

    def clean(self):
        cleaned = super().clean()
        shift, volunteer = cleaned.get("shift"), cleaned.get("volunteer")
        if shift and volunteer:
            # The same service as the portal: eligibility, places and overlap under row locks.
            # The admin's change view runs in a transaction, so a later error undoes this too.
            try:
                self.instance = services.sign_up(
                    volunteer=volunteer,
                    shift=shift,
                    waiting_list=cleaned.get("waiting_list", False),
                )
            except services.SignupError as error:
                raise forms.ValidationError(error.messages) from error
        return cleaned

    def save(self, commit=True):
        self.save_m2m = lambda: None
        return self.instance


@admin.register(Signup)
class SignupAdmin(admin.ModelAdmin):
    list_display = ["volunteer", "shift", "status", "created_at"]
    list_filter = ["status", "shift__opportunity"]
    search_fields = ["volunteer__user__last_name", "shift__opportunity__title"]
    list_select_related = ["volunteer__user", "shift__opportunity"]
    autocomplete_fields = ["shift", "volunteer"]
    actions = ["cancel_signups"]

    def get_form(self, request, obj=None, **kwargs):
        if obj is None:
            kwargs["form"] = SignupAddForm
        return super().get_form(request, obj, **kwargs)

    def get_readonly_fields(self, request, obj=None):
        if obj is None:
            return []
        return ["shift", "volunteer", "status", "created_at", "confirmed_at", "cancelled_at"]

    def get_fields(self, request, obj=None):
        if obj is None:
            return ["shift", "volunteer", "waiting_list"]
        return self.get_readonly_fields(request, obj)

    def save_model(self, request, obj, form, change):
        """Saved by the service in the form's clean()."""

    def has_delete_permission(self, request, obj=None):
        return False

    @admin.action(description=_("Annulla le iscrizioni selezionate"), permissions=["change"])
    def cancel_signups(self, request, queryset):
        done = 0
        for signup in queryset.select_related("shift__opportunity", "volunteer"):
            try:
                services.cancel_signup(signup=signup)
                done += 1
            except services.VolunteeringError as error:
                self.message_user(request, f"{signup}: {' '.join(error.messages)}", messages.ERROR)
        if done:
            self.message_user(request, _("Iscrizioni annullate: %(n)s.") % {"n": done})


@admin.register(Shift)
class ShiftAdmin(admin.ModelAdmin):
    list_display = ["__str__", "starts_at", "places"]
    list_filter = ["opportunity"]
    search_fields = ["opportunity__title"]
    date_hierarchy = "starts_at"


@admin.register(HoursLog)
class HoursLogAdmin(admin.ModelAdmin):
    list_display = ["signup", "hours", "status", "decided_by", "decided_at"]
    list_filter = ["status"]
    list_select_related = ["signup__volunteer__user", "signup__shift__opportunity", "decided_by"]
    readonly_fields = [
        "signup",
        "hours",
        "status",
        "note",
        "submitted_at",
        "decided_by",
        "decided_at",
    ]

    def has_add_permission(self, request):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(Certificate)
class CertificateAdmin(admin.ModelAdmin):
    list_display = ["code", "holder_name", "period_from", "period_to", "total_hours", "issued_at"]
    search_fields = ["code", "holder_name"]
    readonly_fields = [
        "volunteer",
        "holder_name",
        "period_from",
        "period_to",
        "total_hours",
        "shift_count",
        "code",
        "issued_at",
    ]

    def has_add_permission(self, request):
        return False
