"""Admin of elections, candidates, paper counts, voting points and the election's log (the
roll and the voting codes are in roll_admin.py; consulte/admin.py imports both).

Ballots and the "has voted" records are deliberately not registered: staff see turnout per
hour while voting is open, and counts only through the stored result after the close.
"""

import secrets
from datetime import datetime

from django import forms
from django.contrib import admin, messages
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils import timezone
from django.utils.html import format_html, format_html_join
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from collabcity.admin import ServiceRecordAdmin
from collabcity.models import User

from ..models import (
    BallotBox,
    Candidate,
    CandidateResult,
    DeskCount,
    Election,
    ElectionLogEntry,
    Guardian,
    Result,
    VotingPoint,
)
from ..roles import POLL_WORKER
from . import common, desk, nominations, tally

# Settings that decide the outcome: fixed once voting opens.
FROZEN_AT_OPENING = (
    "council",
    "seats",
    "opens_at",
    "closes_at",
    "max_preferences",
    "gender_balance",
    "tie_rule",
    "ballot_order",
    "min_age",
)
# The tie rule and the seed's commitment come before anyone can be a candidate: a draw chosen
# knowing the candidates could favour one of them. The opening of candidacies is fixed with
# them, or moving it back to the future would unfreeze them.
FROZEN_AT_NOMINATION = ("nomination_opens_at", "tie_rule")


def _hour_label(moment: datetime) -> str:
    return timezone.localtime(moment).strftime("%d/%m %H:00")


class ElectionForm(forms.ModelForm):
    class Meta:
        model = Election
        fields = [
            "council",
            "title",
            "seats",
            "nomination_opens_at",
            "nomination_closes_at",
            "opens_at",
            "closes_at",
            "max_preferences",
            "gender_balance",
            "tie_rule",
            "ballot_order",
            "min_age",
        ]

    draw_seed = forms.CharField(
        label=_("seme del sorteggio"),
        required=False,
        min_length=16,
        max_length=100,
        strip=False,
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["draw_seed"].help_text = _(
            "Solo con il sorteggio. Il portale pubblica l'impronta SHA-256 del seme e non "
            "conserva il seme: custoditelo e rivelatelo dopo la chiusura del voto, quando serve "
            "allo scrutinio. Almeno 16 caratteri imprevedibili, per esempio %(example)s."
        ) % {"example": secrets.token_hex(12)}

    def clean(self):
        data = super().clean()
        seed = data.get("draw_seed")
        if data.get("tie_rule") == Election.TieRule.LOTS:
            if seed:
                self.instance.tie_seed_commitment = tally.tie_seed_commitment(seed)
            elif not self.instance.tie_seed_commitment:
                self.add_error(
                    "draw_seed",
                    _(
                        "Con il sorteggio serve un seme, impegnato prima dell'apertura delle "
                        "candidature."
                    ),
                )
        elif "tie_rule" in data:
            self.instance.tie_seed_commitment = ""
        opens_at = data.get("opens_at")
        has_key = self.instance.pk and BallotBox.objects.filter(election=self.instance).exists()
        if (
            opens_at
            and opens_at <= timezone.now()
            and not has_key
            and "opens_at" in self.changed_data
        ):
            self.add_error(
                "opens_at",
                _(
                    "Il voto non si può aprire prima della cerimonia delle chiavi: nomina i "
                    "garanti, svolgi la cerimonia, poi apri il voto."
                ),
            )
        return data


class GuardianInline(admin.TabularInline):
    """The guardians are named before the ceremony; after it, they are its record."""

    model = Guardian
    fields = ["name", "role", "position"]
    readonly_fields = ["position"]
    extra = 0
    min_num = 0

    def _ceremony_done(self, obj) -> bool:
        return obj is not None and BallotBox.objects.filter(election=obj).exists()

    def has_add_permission(self, request, obj=None):
        return not self._ceremony_done(obj) and super().has_add_permission(request, obj)

    def has_change_permission(self, request, obj=None):
        return not self._ceremony_done(obj) and super().has_change_permission(request, obj)

    def has_delete_permission(self, request, obj=None):
        return not self._ceremony_done(obj) and super().has_delete_permission(request, obj)


@admin.register(Election)
class ElectionAdmin(admin.ModelAdmin):
    form = ElectionForm
    list_display = ["title", "council", "opens_at", "closes_at", "phase"]
    list_filter = ["council"]
    search_fields = ["title"]
    readonly_fields = ["tie_draw", "ballot_box", "turnout", "result_link"]
    inlines = [GuardianInline]
    actions = ["tally_now", "declare_count_complete", "reveal_tie_seed"]
    fieldsets = [
        (None, {"fields": ["council", "title", "seats"]}),
        (
            _("Calendario"),
            {"fields": ["nomination_opens_at", "nomination_closes_at", "opens_at", "closes_at"]},
        ),
        (
            _("Regole"),
            {
                "fields": [
                    "max_preferences",
                    "gender_balance",
                    "tie_rule",
                    "draw_seed",
                    "tie_draw",
                    "ballot_order",
                    "min_age",
                ]
            },
        ),
        (_("Garanti e urna elettronica"), {"fields": ["ballot_box"]}),
        (_("Andamento"), {"fields": ["turnout", "result_link"]}),
    ]

    def has_delete_permission(self, request, obj=None):
        # Once started it is the record of a vote, before its first envelope PROTECTs it too.
        if obj is not None and obj.has_started:
            return False
        return super().has_delete_permission(request, obj)

    def get_readonly_fields(self, request, obj=None):
        if obj is not None and obj.is_closed:
            # A closed election is history: reopening it would invalidate its result.
            return [*self.form._meta.fields, *self.readonly_fields]
        if obj is not None and obj.has_started:
            return [*FROZEN_AT_OPENING, *self.readonly_fields]
        if obj is not None and (
            obj.nomination_opens_at <= timezone.now() or obj.candidates.exists()
        ):
            return [*FROZEN_AT_NOMINATION, *self.readonly_fields]
        return self.readonly_fields

    def get_fieldsets(self, request, obj=None):
        # The seed is a form field, not a model one: once frozen it is left out, not shown.
        if obj is None or "tie_rule" not in self.get_readonly_fields(request, obj):
            return self.fieldsets
        return [
            (name, {**options, "fields": [f for f in options["fields"] if f != "draw_seed"]})
            for name, options in self.fieldsets
        ]

    def save_model(self, request, obj, form, change):
        super().save_model(request, obj, form, change)
        # Logged where clean() committed it: not with another tie rule, and not once the rule is
        # frozen (out of the form, but a POST can still carry the seed, which changes nothing).
        data = form.cleaned_data
        if data.get("draw_seed") and data.get("tie_rule") == Election.TieRule.LOTS:
            common.log_action(
                election=obj,
                actor=request.user,
                action=ElectionLogEntry.Action.TIE_SEED_COMMITTED,
                details={"commitment": obj.tie_seed_commitment},
            )

    @admin.display(description=_("sorteggio"))
    def tie_draw(self, election: Election) -> str:
        if election.tie_rule != Election.TieRule.LOTS or not election.tie_seed_commitment:
            return "–"
        if election.tie_seed:
            return format_html(
                "{} <code>{}</code> · {} <code>{}</code>",
                _("Impegno:"),
                election.tie_seed_commitment,
                _("seme rivelato:"),
                election.tie_seed,
            )
        return format_html(
            "{} <code>{}</code> · {}",
            _("Impegno:"),
            election.tie_seed_commitment,
            _(
                "il seme si rivela dopo la chiusura con l'azione «Rivela il seme del "
                "sorteggio»: lo scrutinio lo attende."
            ),
        )

    @admin.display(description=_("fase"))
    def phase(self, election: Election) -> str:
        if election.is_closed:
            return _("chiusa")
        if election.is_open:
            return _("voto aperto")
        if election.nomination_is_open:
            return _("candidature aperte")
        return _("in preparazione")

    @admin.display(description=_("affluenza per ora"))
    def turnout(self, election: Election) -> str:
        if election.pk is None or not election.has_started:
            return _("Il voto non è ancora aperto.")
        rows = list(election.votes.per_hour())
        electors = election.electors.count()
        voters = sum(row["online"] + row["in_person"] for row in rows)
        share = f"{100 * voters / electors:.1f}%" if electors else "–"
        body = format_html_join(
            "",
            "<tr><td>{}</td><td>{}</td><td>{}</td></tr>",
            ((_hour_label(r["hour"]), r["online"], r["in_person"]) for r in rows),
        )
        return format_html(
            "<p>{}</p><table><thead><tr><th>{}</th><th>{}</th><th>{}</th></tr></thead>"
            "<tbody>{}</tbody></table>",
            _("Votanti: %(voters)d su %(electors)d elettori (%(share)s)")
            % {"voters": voters, "electors": electors, "share": share},
            _("ora"),
            _("online"),
            _("al punto voto"),
            body,
        )

    @admin.display(description=_("urna"))
    def ballot_box(self, election: Election) -> str:
        if election.pk is None:
            return _("Salva l'elezione, poi nomina i garanti qui sotto.")
        box = BallotBox.objects.filter(election=election).first()
        ceremony = reverse("consulte:key_ceremony", kwargs={"pk": election.pk})
        if box is None:
            return format_html(
                '{} <a href="{}">{}</a>',
                _("Cerimonia delle chiavi non ancora svolta: il voto non si può aprire."),
                ceremony,
                _("Vai alla cerimonia delle chiavi"),
            )
        opening = reverse("consulte:open_envelopes", kwargs={"pk": election.pk})
        if box.is_opened:
            state = _("Buste aperte.")
        elif election.is_closed:
            state = _("Voto chiuso: le buste attendono i garanti.")
        else:
            state = _("Cerimonia svolta: le buste si aprono dopo la chiusura.")
        return format_html(
            '{} {} <code>{}</code>. <a href="{}">{}</a> · <a href="{}">{}</a>',
            state,
            _("Impronta della chiave:"),
            box.fingerprint,
            ceremony,
            _("Cerimonia delle chiavi"),
            opening,
            _("Apertura delle buste"),
        )

    @admin.display(description=_("risultato"))
    def result_link(self, election: Election) -> str:
        # Never anything about the count before the close.
        if election.pk is None or not election.is_closed:
            return _("I risultati saranno disponibili dopo la chiusura.")
        if not Result.objects.filter(election=election).exists():
            return _("Scrutinio in attesa dell'apertura delle buste.")
        return format_html(
            '<a href="{}">{}</a>',
            reverse("consulte:election_results", kwargs={"pk": election.pk}),
            _("Pagina dei risultati"),
        )

    @admin.action(
        description=_("Esegui lo scrutinio delle elezioni chiuse selezionate"),
        permissions=["change"],
    )
    def tally_now(self, request, queryset):
        done = 0
        for election in queryset:
            try:
                tally.tally_election(election_id=election.pk)
                done += 1
            except common.ElectionError as error:
                self.message_user(request, f"{election}: {error.messages[0]}", messages.ERROR)
        if done:
            self.message_user(request, _("Scrutinio eseguito: %(n)d.") % {"n": done})

    @admin.action(
        description=_("Dichiara completo lo spoglio (risultati definitivi)"),
        permissions=["declare_count"],
    )
    def declare_count_complete(self, request, queryset):
        for election in queryset:
            try:
                desk.declare_count_complete(election=election, user=request.user)
            except common.ElectionError as error:
                self.message_user(request, f"{election}: {error.messages[0]}", messages.ERROR)
            else:
                self.message_user(
                    request,
                    _("%(election)s: spoglio completo, risultati definitivi pubblicati.")
                    % {"election": election},
                )

    def has_declare_count_permission(self, request):
        return request.user.has_perm("consulte.declare_count_complete")

    @admin.action(
        description=_("Rivela il seme del sorteggio (dopo la chiusura)"), permissions=["change"]
    )
    def reveal_tie_seed(self, request, queryset):
        if queryset.count() != 1:
            self.message_user(
                request, _("Rivela il seme di un'elezione alla volta."), messages.ERROR
            )
            return None
        election = queryset.get()
        form = RevealSeedForm(request.POST if "seed" in request.POST else None)
        if form.is_valid():
            try:
                tally.reveal_tie_seed(
                    election=election, seed=form.cleaned_data["seed"], user=request.user
                )
            except common.ElectionError as error:
                form.add_error("seed", error.messages[0])
            else:
                self.message_user(
                    request,
                    _("%(election)s: seme rivelato; lo scrutinio parte entro un minuto.")
                    % {"election": election},
                )
                return None
        return TemplateResponse(
            request,
            "consulte/elections/admin/reveal_tie_seed.html",
            {
                **self.admin_site.each_context(request),
                "title": _("Rivela il seme del sorteggio"),
                "form": form,
                "election": election,
                "action_checkbox_name": admin.helpers.ACTION_CHECKBOX_NAME,
                "opts": self.model._meta,
            },
        )


class RevealSeedForm(forms.Form):
    seed = forms.CharField(label=_("Seme del sorteggio"), max_length=100, strip=False)


class RejectForm(forms.Form):
    reason = forms.CharField(label=_("Motivo del rifiuto"), widget=forms.Textarea)


@admin.register(Candidate)
class CandidateAdmin(admin.ModelAdmin):
    list_display = ["full_name", "election", "gender", "status", "submitted_at"]
    list_filter = ["status", "election"]
    search_fields = ["last_name", "first_name", "elector__fiscal_code"]
    readonly_fields = ["elector", "user", "first_name", "last_name", "gender", "birth_date"]
    fields = [
        "election",
        "elector",
        "user",
        "first_name",
        "last_name",
        "gender",
        "birth_date",
        "statement",
        "status",
        "rejection_reason",
    ]
    actions = ["approve", "reject", "withdraw"]

    def has_add_permission(self, request):
        return False  # candidacies come from the electors themselves

    def has_delete_permission(self, request, obj=None):
        # The ballot is fixed once voting starts: sealed envelopes name its candidates.
        if obj is not None and obj.election.has_started:
            return False
        return super().has_delete_permission(request, obj)

    def get_readonly_fields(self, request, obj=None):
        # Status changes go through the actions, which apply the rules.
        fixed = [*self.readonly_fields, "election", "status", "rejection_reason"]
        if obj is not None and obj.election.has_started:
            # What voters read on the ballot cannot change while they vote.
            return [*fixed, "statement"]
        return fixed

    @admin.action(description=_("Ammetti le candidature selezionate"), permissions=["change"])
    def approve(self, request, queryset):
        self._decide(request, queryset.select_related("election"), approve=True)

    @admin.action(
        description=_("Respingi le candidature selezionate (con motivo)"), permissions=["change"]
    )
    def reject(self, request, queryset):
        form = RejectForm(request.POST if "reason" in request.POST else None)
        if form.is_valid():
            self._decide(
                request,
                queryset.select_related("election"),
                approve=False,
                reason=form.cleaned_data["reason"],
            )
            return None
        return TemplateResponse(
            request,
            "consulte/elections/admin/reject_candidates.html",
            {
                **self.admin_site.each_context(request),
                "title": _("Respingi le candidature"),
                "form": form,
                "candidates": queryset,
                "action_checkbox_name": admin.helpers.ACTION_CHECKBOX_NAME,
                "opts": self.model._meta,
            },
        )

    @admin.action(
        description=_("Segna come ritirate (su richiesta dei candidati)"), permissions=["change"]
    )
    def withdraw(self, request, queryset):
        done = 0
        for candidate in queryset.select_related("election"):
            try:
                nominations.withdraw_candidacy(candidate=candidate)
                done += 1
            except common.ElectionError as error:
                self.message_user(request, f"{candidate}: {error.messages[0]}", messages.ERROR)
        if done:
            self.message_user(request, _("Candidature ritirate: %(n)d.") % {"n": done})

    def _decide(self, request, queryset, *, approve: bool, reason: str = "") -> None:
        done = 0
        for candidate in queryset:
            try:
                nominations.decide_candidacy(candidate=candidate, approve=approve, reason=reason)
                done += 1
            except common.ElectionError as error:
                self.message_user(request, f"{candidate}: {error.messages[0]}", messages.ERROR)
        if done:
            self.message_user(
                request,
                ngettext("%(n)d candidatura aggiornata.", "%(n)d candidature aggiornate.", done)
                % {"n": done},
            )


class CandidateResultInline(admin.TabularInline):
    model = CandidateResult
    fields = ["rank", "candidate", "votes_online", "votes_in_person", "elected"]
    readonly_fields = fields
    extra = 0
    can_delete = False


@admin.register(Result)
class ResultAdmin(ServiceRecordAdmin):
    list_display = ["election", "tallied_at", "electors", "voters_online", "voters_in_person"]
    inlines = [CandidateResultInline]
    readonly_fields = [
        "election",
        "electors",
        "voters_online",
        "voters_in_person",
        "blank_online",
        "blank_in_person",
        "void_in_person",
        "void_preferences",
        "digest",
        "tallied_at",
    ]

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(DeskCount)
class DeskCountAdmin(ServiceRecordAdmin):
    list_display = [
        "election",
        "voting_point",
        "version",
        "valid",
        "blank",
        "void",
        "entered_by",
        "entered_at",
    ]
    list_filter = ["election"]
    # Entered at the desk through the portal's service.

    def has_delete_permission(self, request, obj=None):
        # A count is corrected by a new version, never removed: the tally reads the latest.
        return False


@admin.register(VotingPoint)
class VotingPointAdmin(admin.ModelAdmin):
    list_display = ["name", "election", "address"]
    list_filter = ["election"]
    filter_horizontal = ["poll_workers"]

    def formfield_for_manytomany(self, db_field, request, **kwargs):
        if db_field.name == "poll_workers":
            kwargs["queryset"] = User.objects.filter(groups__name=POLL_WORKER)
        return super().formfield_for_manytomany(db_field, request, **kwargs)

    def get_readonly_fields(self, request, obj=None):
        # Its voters and its count belong to its election: moved to another, its paper ballots
        # would drop out of the first one's count, and its checks, unnoticed.
        return ["election"] if obj is not None else []

    def has_delete_permission(self, request, obj=None):
        # A point with voters or counts is evidence of the vote: PROTECT refuses it anyway.
        return False


@admin.register(ElectionLogEntry)
class ElectionLogEntryAdmin(ServiceRecordAdmin):
    """Append-only: read by staff, never changed or deleted, not even by a superuser."""

    list_display = ["at", "election", "action", "actor", "elector"]
    list_filter = ["election", "action"]
    list_select_related = ["election", "actor", "elector"]
    readonly_fields = ["election", "actor", "at", "action", "elector", "details"]

    def has_delete_permission(self, request, obj=None):
        return False

    def get_actions(self, request):
        return {}
