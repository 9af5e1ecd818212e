from datetime import date
from decimal import Decimal

from django import forms
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from accordi.models import Agreement
from centri_sociali.models import Centre
from collabcity.models import Quartiere, User
from collabcity.roles import MUNICIPAL_STAFF

from .models import (
    CONSENT_TEXT,
    HoursLog,
    Opportunity,
    Skill,
    Volunteer,
    availability_choices,
)
from .roles import VOLUNTEER_COORDINATOR


class DateInput(forms.DateInput):
    input_type = "date"

    def __init__(self, **kwargs):
        super().__init__(format="%Y-%m-%d", **kwargs)


class SkillField(forms.ModelMultipleChoiceField):
    def __init__(self, **kwargs):
        super().__init__(
            queryset=Skill.objects.all(),
            to_field_name="code",
            widget=forms.CheckboxSelectMultiple,
            **kwargs,
        )


class ApplicationForm(forms.Form):
    birth_date = forms.DateField(
        label=_("Data di nascita"),
        widget=DateInput(),
        help_text=_("Per iscriverti all'albo devi essere maggiorenne."),
        error_messages={"invalid": _("Scrivi la data come gg/mm/aaaa.")},
    )
    phone = forms.CharField(
        label=_("Telefono"),
        max_length=40,
        required=False,
        help_text=_("Facoltativo: serve al coordinatore per contattarti il giorno del turno."),
        widget=forms.TextInput(attrs={"type": "tel", "autocomplete": "tel"}),
    )
    skills = SkillField(
        label=_("Competenze"),
        required=False,
        help_text=_(
            "Scegli ciò che sai o ti piace fare: ti mostreremo prima le opportunità adatte."
        ),
    )
    availability = forms.MultipleChoiceField(
        label=_("Disponibilità"),
        choices=availability_choices,
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    quartieri = forms.ModelMultipleChoiceField(
        label=_("Quartieri in cui preferisci impegnarti"),
        queryset=Quartiere.objects.order_by("name"),
        to_field_name="slug",
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    motivation = forms.CharField(
        label=_("Perché vuoi diventare volontario civico?"),
        widget=forms.Textarea(attrs={"rows": 4}),
        max_length=2000,
        required=False,
    )
    consent = forms.BooleanField(
        label=CONSENT_TEXT,
        error_messages={"required": _("Per candidarti devi acconsentire al trattamento dei dati.")},
    )


class PreferencesForm(forms.Form):
    phone = ApplicationForm.base_fields["phone"]
    skills = ApplicationForm.base_fields["skills"]
    availability = ApplicationForm.base_fields["availability"]
    quartieri = ApplicationForm.base_fields["quartieri"]


class StatusForm(forms.Form):
    to_status = forms.ChoiceField(label=_("Nuovo stato"))
    insurance_from = forms.DateField(
        label=_("Assicurazione dal"), widget=DateInput(), required=False
    )
    insurance_to = forms.DateField(label=_("Assicurazione al"), widget=DateInput(), required=False)
    training_notes = forms.CharField(
        label=_("Note sulla formazione"),
        widget=forms.Textarea(attrs={"rows": 3}),
        required=False,
        help_text=_("Corsi frequentati, date, attestati di formazione."),
    )
    note = forms.CharField(
        label=_("Motivo del cambio di stato"),
        widget=forms.Textarea(attrs={"rows": 2}),
        required=False,
    )

    def __init__(self, *args, volunteer: Volunteer, choices: list[str], **kwargs):
        super().__init__(*args, **kwargs)
        labels = dict(Volunteer.Status.choices)
        if volunteer.status == Volunteer.Status.ACTIVE:
            labels[Volunteer.Status.ACTIVE] = _("Attivo: rinnova la copertura assicurativa")
        self.fields["to_status"].choices = [("", _("Scegli il nuovo stato"))] + [
            (status, labels[status]) for status in choices
        ]
        self.initial.setdefault("training_notes", volunteer.training_notes)
        self.initial.setdefault("insurance_from", volunteer.insurance_from)
        self.initial.setdefault("insurance_to", volunteer.insurance_to)


class HoursForm(forms.Form):
    hours = forms.DecimalField(
        label=_("Ore svolte"),
        min_value=Decimal("0.25"),
        max_digits=4,
        decimal_places=2,
        widget=forms.NumberInput(attrs={"step": "0.25"}),
    )
    note = forms.CharField(label=_("Nota per il coordinatore"), required=False, max_length=500)


class AttendanceForm(forms.Form):
    OUTCOMES = [
        (HoursLog.Status.CONFIRMED, _("Presente: confermo le ore")),
        (HoursLog.Status.ABSENT, _("Assente")),
        (HoursLog.Status.REJECTED, _("Ore dichiarate non confermate")),
    ]
    outcome = forms.ChoiceField(label=_("Esito"), choices=OUTCOMES)
    hours = forms.DecimalField(
        label=_("Ore"),
        min_value=Decimal("0.25"),
        max_digits=4,
        decimal_places=2,
        required=False,
        widget=forms.NumberInput(attrs={"step": "0.25"}),
    )
    note = forms.CharField(label=_("Nota"), required=False, max_length=500)


class CertificateRequestForm(forms.Form):
    period_from = forms.DateField(label=_("Dal"), widget=DateInput())
    period_to = forms.DateField(label=_("Al"), widget=DateInput())

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        today = timezone.localdate()
        self.initial.setdefault("period_from", date(today.year, 1, 1))
        self.initial.setdefault("period_to", today)


class VerifyForm(forms.Form):
    code = forms.CharField(
        label=_("Codice di verifica"),
        max_length=30,
        help_text=_("Il codice stampato sull'attestato, per esempio ABCD-EFGH-JKLM."),
    )


class TotalsForm(forms.Form):
    GROUPS = [
        ("volontario", _("Volontario")),
        ("opportunita", _("Opportunità")),
        ("ente", _("Ente proponente")),
        ("quartiere", _("Quartiere")),
        ("anno", _("Anno")),
    ]
    per = forms.ChoiceField(label=_("Totali per"), choices=GROUPS, required=False)
    anno = forms.IntegerField(label=_("Anno"), min_value=2000, max_value=2100, required=False)


class OpportunityForm(forms.ModelForm):
    skills = SkillField(label=_("Competenze richieste"), required=False)

    class Meta:
        model = Opportunity
        fields = [
            "title",
            "description",
            "place",
            "quartiere",
            "organisation",
            "centre",
            "agreement",
            "coordinator",
            "skills",
            "published",
        ]
        widgets = {"description": forms.Textarea(attrs={"rows": 5})}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["quartiere"].queryset = Quartiere.objects.order_by("name")
        self.fields["centre"].queryset = Centre.objects.order_by("name")
        # A draft agreement is not public yet: an opportunity must not reveal it.
        self.fields["agreement"].queryset = Agreement.objects.public().order_by("title")
        # Only who can coordinate (and the current coordinator, so an edit still validates):
        # offering every active user would list every resident's e-mail to whoever edits.
        self.fields["coordinator"].queryset = (
            User.objects.filter(is_active=True)
            .filter(
                Q(groups__name__in=[VOLUNTEER_COORDINATOR, MUNICIPAL_STAFF])
                | Q(pk=self.instance.coordinator_id)
            )
            .distinct()
            .order_by("last_name", "first_name")
        )
        self.fields["coordinator"].label_from_instance = lambda user: (
            f"{user.get_full_name()} ({user.email})" if user.get_full_name() else user.email
        )
        self.fields["published"].help_text = _(
            "Solo le opportunità pubblicate compaiono nell'elenco e accettano iscrizioni."
        )


class ShiftForm(forms.Form):
    day = forms.DateField(label=_("Giorno"), widget=DateInput())
    start = forms.TimeField(label=_("Dalle"), widget=forms.TimeInput(attrs={"type": "time"}))
    end = forms.TimeField(label=_("Alle"), widget=forms.TimeInput(attrs={"type": "time"}))
    places = forms.IntegerField(label=_("Posti"), min_value=1, max_value=500, initial=2)
