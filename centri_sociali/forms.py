"""Forms of the managers' page and of the admin; the rules they check live in services."""

from datetime import date, datetime, time

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from collabcity.forms import https_url_formfield

from . import recurrence, services
from .models import Activity, Centre, OpeningHours, Room

MONTH_WEEKS = [
    (1, _("il primo")),
    (2, _("il secondo")),
    (3, _("il terzo")),
    (4, _("il quarto")),
    (-1, _("l'ultimo")),
]
DATE_INPUT = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
TIME_INPUT = forms.TimeInput(attrs={"type": "time"}, format="%H:%M")


def combine(day: date, moment: time) -> datetime:
    return recurrence.to_aware(datetime.combine(day, moment))


class ActivityForm(forms.Form):
    """One page to add or change an activity: what, where, when, how often, who may come."""

    title = forms.CharField(label=_("Titolo"), max_length=200)
    description = forms.CharField(
        label=_("Descrizione"), required=False, widget=forms.Textarea(attrs={"rows": 4})
    )
    category = forms.ChoiceField(label=_("Categoria"), choices=Activity.Category.choices)
    audience = forms.ChoiceField(
        label=_("Per chi è"), choices=Activity.Audience.choices, initial=Activity.Audience.EVERYONE
    )
    room = forms.ModelChoiceField(
        label=_("Sala"),
        queryset=Room.objects.none(),
        required=False,
        empty_label=_("Nessuna sala (all'aperto o fuori sede)"),
    )
    day = forms.DateField(label=_("Giorno (la prima volta)"), widget=DATE_INPUT)
    start_time = forms.TimeField(label=_("Dalle ore"), widget=TIME_INPUT)
    end_time = forms.TimeField(label=_("Alle ore"), widget=TIME_INPUT)
    recurrence = forms.ChoiceField(
        label=_("Si ripete?"),
        choices=Activity.Recurrence.choices,
        initial=Activity.Recurrence.NONE,
        widget=forms.RadioSelect,
    )
    weekdays = forms.TypedMultipleChoiceField(
        label=_("In quali giorni della settimana"),
        choices=OpeningHours.Weekday.choices,
        coerce=int,
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text=_("Se non ne scegli nessuno, vale il giorno della prima volta."),
    )
    month_week = forms.TypedChoiceField(
        label=_("Quale settimana del mese"),
        choices=[("", _("la stessa della prima volta")), *MONTH_WEEKS],
        coerce=int,
        empty_value=None,
        required=False,
    )
    repeat_until = forms.DateField(label=_("Fino al giorno"), required=False, widget=DATE_INPUT)
    repeat_count = forms.IntegerField(
        label=_("Oppure: quante volte in tutto"),
        required=False,
        min_value=1,
        max_value=services.MAX_SERIES_COUNT,
    )
    price = forms.DecimalField(
        label=_("Prezzo in euro"),
        required=False,
        min_value=0,
        max_digits=7,
        decimal_places=2,
        help_text=_("Lascia vuoto se è gratis."),
    )
    registration_required = forms.BooleanField(label=_("Serve l'iscrizione"), required=False)
    capacity = forms.IntegerField(
        label=_("Posti per ogni data"),
        required=False,
        min_value=1,
        help_text=_("Lascia vuoto se non c'è un limite."),
    )

    def __init__(self, *args, centre: Centre, activity: Activity | None = None, **kwargs):
        self.centre = centre
        self.activity = activity or Activity(centre=centre)
        if activity is not None and "initial" not in kwargs:
            kwargs["initial"] = self.initial_from(activity)
        super().__init__(*args, **kwargs)
        self.fields["room"].queryset = centre.rooms.order_by("name")
        self.fields["room"].label_from_instance = lambda room: (
            _("%(name)s (%(capacity)s posti)")
            % {
                "name": room.name,
                "capacity": room.capacity,
            }
        )

    @staticmethod
    def initial_from(activity: Activity) -> dict:
        start, end = timezone.localtime(activity.starts_at), timezone.localtime(activity.ends_at)
        return {
            "title": activity.title,
            "description": activity.description,
            "category": activity.category,
            "audience": activity.audience,
            "room": activity.room_id,
            "day": start.date(),
            "start_time": start.time(),
            "end_time": end.time(),
            "recurrence": activity.recurrence,
            "weekdays": activity.weekdays,
            "month_week": activity.month_week,
            "repeat_until": activity.repeat_until,
            "repeat_count": activity.repeat_count,
            "price": activity.price,
            "registration_required": activity.registration_required,
            "capacity": activity.capacity,
        }

    def clean(self):
        cleaned = super().clean()
        if self.errors:
            return cleaned
        activity = self.activity
        for name in (
            "title", "description", "category", "audience", "room", "recurrence", "weekdays",
            "month_week", "repeat_until", "repeat_count", "price", "registration_required",
            "capacity",
        ):  # fmt: skip
            setattr(activity, name, cleaned.get(name))
        activity.weekdays = cleaned.get("weekdays") or []
        if activity.price == 0:
            activity.price = None
        activity.starts_at = combine(cleaned["day"], cleaned["start_time"])
        activity.ends_at = combine(cleaned["day"], cleaned["end_time"])
        try:
            services.validate_schedule(activity)
        except services.ActivityError as error:
            raise forms.ValidationError(error.messages) from error
        return cleaned


class MoveOccurrenceForm(forms.Form):
    day = forms.DateField(label=_("Nuovo giorno"), widget=DATE_INPUT)
    start_time = forms.TimeField(label=_("Dalle ore"), widget=TIME_INPUT)
    end_time = forms.TimeField(label=_("Alle ore"), widget=TIME_INPUT)
    room = forms.ModelChoiceField(
        label=_("Sala"),
        queryset=Room.objects.none(),
        required=False,
        empty_label=_("Nessuna sala (all'aperto o fuori sede)"),
    )
    note = forms.CharField(
        label=_("Avviso per chi partecipa (facoltativo)"), max_length=300, required=False
    )

    def __init__(self, *args, centre: Centre, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["room"].queryset = centre.rooms.order_by("name")

    def clean(self):
        cleaned = super().clean()
        if not self.errors and cleaned["end_time"] <= cleaned["start_time"]:
            raise forms.ValidationError(_("L'orario di fine deve venire dopo l'orario di inizio."))
        return cleaned

    @property
    def starts_at(self) -> datetime:
        return combine(self.cleaned_data["day"], self.cleaned_data["start_time"])

    @property
    def ends_at(self) -> datetime:
        return combine(self.cleaned_data["day"], self.cleaned_data["end_time"])


class CancelOccurrenceForm(forms.Form):
    note = forms.CharField(
        label=_("Avviso per chi partecipa (facoltativo)"),
        max_length=300,
        required=False,
        help_text=_("Per esempio: «L'insegnante è malata, ci vediamo la settimana prossima»."),
    )


class CentreContactsForm(forms.ModelForm):
    class Meta:
        model = Centre
        fields = ["phone", "email", "website", "description", "accessibility_notes"]
        formfield_callback = https_url_formfield
        widgets = {
            "description": forms.Textarea(attrs={"rows": 4}),
            "accessibility_notes": forms.Textarea(attrs={"rows": 3}),
        }


class OpeningHoursForm(forms.ModelForm):
    class Meta:
        model = OpeningHours
        fields = ["weekday", "opens_at", "closes_at"]
        widgets = {"opens_at": TIME_INPUT, "closes_at": TIME_INPUT}

    def clean(self):
        cleaned = super().clean()
        opens, closes = cleaned.get("opens_at"), cleaned.get("closes_at")
        if opens and closes and closes <= opens:
            raise forms.ValidationError(_("L'orario di chiusura deve venire dopo l'apertura."))
        return cleaned


OpeningHoursFormSet = forms.inlineformset_factory(
    Centre, OpeningHours, form=OpeningHoursForm, extra=2, can_delete=True
)


class ActivityAdminForm(forms.ModelForm):
    """The admin's form: the same schedule rules and room check as the managers' page."""

    class Meta:
        model = Activity
        fields = [
            "centre", "room", "title", "description", "category", "audience", "price",
            "registration_required", "capacity", "starts_at", "ends_at", "recurrence",
            "weekdays", "month_week", "repeat_until", "repeat_count", "published",
        ]  # fmt: skip

    def clean(self):
        cleaned = super().clean()
        if self.errors:
            return cleaned
        activity = self.instance
        for field in Activity._meta.concrete_fields:
            if field.name in cleaned:
                setattr(activity, field.name, cleaned[field.name])
        activity.weekdays = [int(day) for day in (cleaned.get("weekdays") or [])]
        try:
            services.validate_schedule(activity)
            if activity.is_recurring:
                services.align_to_rule(activity)
            if activity.room_id:
                probe = Activity(**{
                    field.attname: getattr(activity, field.attname)
                    for field in Activity._meta.concrete_fields
                })  # fmt: skip
                services.refresh_bounds(probe, [])
                slots = [
                    slot
                    for slot in recurrence.expand(
                        probe,
                        probe.first_start,
                        probe.last_end,
                        list(activity.occurrences.all()) if activity.pk else [],
                    )
                    if not slot.cancelled and slot.room and slot.room.pk == activity.room_id
                ]
                services.ensure_room_free(
                    room=activity.room, slots=slots, exclude_activity=activity
                )
        except services.ActivityError as error:
            raise forms.ValidationError(error.messages) from error
        return cleaned
