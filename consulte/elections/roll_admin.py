"""Admin of the electoral roll: the electors imported from the civil registry, the voting
codes issued to them (a CSV for the post, or letters to print), and the imports themselves."""

import csv
from functools import partial

from django import forms
from django.conf import settings
from django.contrib import admin, messages
from django.db import transaction
from django.http import HttpResponse, HttpResponseRedirect
from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone
from django.utils.html import format_html, format_html_join
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from collabcity.spreadsheets import csv_safe

from ..models import Elector, RollImport
from . import common, verification


class IssueCodesActionForm(admin.helpers.ActionForm):
    reason = forms.CharField(
        label=_("Motivo (obbligatorio a voto aperto)"), required=False, max_length=200
    )


@admin.register(Elector)
class ElectorAdmin(admin.ModelAdmin):
    action_form = IssueCodesActionForm
    list_display = ["last_name", "first_name", "fiscal_code", "birth_date", "quartiere", "election"]
    list_filter = ["election", "quartiere"]
    search_fields = ["fiscal_code", "last_name", "first_name"]
    list_select_related = ["quartiere", "election"]
    actions = ["issue_codes_csv", "issue_codes_letters"]

    def has_change_permission(self, request, obj=None):
        return False  # the roll comes from the registry's import

    def has_issue_codes_permission(self, request):
        return request.user.has_perm("consulte.issue_voting_codes")

    def has_add_permission(self, request):
        return False

    def has_delete_permission(self, request, obj=None):
        # The roll is fixed once voting starts, as its import says: a deletion would strike a
        # voter off, or take the record that they voted with it (ElectorVote cascades).
        if obj is not None and obj.election.has_started:
            return False
        return super().has_delete_permission(request, obj)

    def _issue(self, request, queryset):
        # While voting is open a code lets its holder vote: verification.issue_credentials asks
        # for the dedicated permission and a reason (typed in the action bar: action_form).
        issued = verification.issue_credentials(
            electors=list(queryset.select_related("election", "quartiere")),
            issued_by=request.user,
            reason=request.POST.get("reason", ""),
        )
        skipped = queryset.count() - len(issued)
        if skipped:
            self.message_user(
                request,
                ngettext(
                    "%(n)d elettore ha già votato: nessun codice per lui.",
                    "%(n)d elettori hanno già votato: nessun codice per loro.",
                    skipped,
                )
                % {"n": skipped},
                messages.WARNING,
            )
        return issued

    @admin.action(
        description=_("Emetti codici di voto: file CSV per la spedizione"),
        permissions=["issue_codes"],
    )
    def issue_codes_csv(self, request, queryset):
        try:
            issued = self._issue(request, queryset)
        except common.ElectionError as error:
            self.message_user(request, error.messages[0], messages.ERROR)
            return None
        response = HttpResponse(content_type="text/csv; charset=utf-8")
        stamp = timezone.localtime().strftime("%Y%m%d-%H%M")
        response["Content-Disposition"] = f'attachment; filename="codici-di-voto-{stamp}.csv"'
        response["Cache-Control"] = "no-store"
        response.write("\ufeff")  # Excel reads UTF-8 only with the BOM
        writer = csv.writer(response, delimiter=";")
        writer.writerow(
            ["codice_fiscale", "cognome", "nome", "quartiere", "elezione", "codice_di_voto"]
        )
        for item in issued:
            elector = item.elector
            writer.writerow(
                [
                    csv_safe(value)
                    for value in (
                        elector.fiscal_code,
                        elector.last_name,
                        elector.first_name,
                        elector.quartiere.name,
                        elector.election.title,
                        item.formatted,
                    )
                ]
            )
        return response

    @admin.action(
        description=_("Emetti codici di voto: lettere da stampare"), permissions=["issue_codes"]
    )
    def issue_codes_letters(self, request, queryset):
        try:
            issued = self._issue(request, queryset)
        except common.ElectionError as error:
            self.message_user(request, error.messages[0], messages.ERROR)
            return None
        # The configured address, never the Host header a client can set.
        response = render(
            request,
            "consulte/elections/admin/letters.html",
            # The configured address, never the request's Host header (a forged Host would
            # print letters sending electors to someone else's site).
            {"issued": issued, "portal_url": settings.PORTAL_URL.rstrip("/")},
        )
        response["Cache-Control"] = "no-store"
        return response


class RollImportForm(forms.ModelForm):
    class Meta:
        model = RollImport
        fields = ["election", "file"]

    def clean_election(self):
        election = self.cleaned_data["election"]
        if election.has_started:
            raise forms.ValidationError(_("Il voto è già iniziato: la lista è fissata."))
        return election


@admin.register(RollImport)
class RollImportAdmin(admin.ModelAdmin):
    form = RollImportForm
    list_display = ["election", "created_at", "status", "processed_rows", "total_rows"]
    list_filter = ["status", "election"]
    change_form_template = "consulte/elections/admin/rollimport_change_form.html"

    def get_readonly_fields(self, request, obj=None):
        if obj is None:
            return []
        return [
            "election",
            "file",
            "uploaded_by",
            "status",
            "progress",
            "imported_rows",
            "rejected_rows",
        ]

    def get_fields(self, request, obj=None):
        return ["election", "file"] if obj is None else self.get_readonly_fields(request, obj)

    def has_change_permission(self, request, obj=None):
        return obj is None and super().has_change_permission(request, obj)

    @admin.display(description=_("avanzamento"))
    def progress(self, roll_import: RollImport) -> str:
        return format_html(
            '<progress max="100" value="{}"></progress> {} / {}',
            roll_import.progress_percent,
            roll_import.processed_rows,
            roll_import.total_rows,
        )

    @admin.display(description=_("righe rifiutate"))
    def rejected_rows(self, roll_import: RollImport) -> str:
        if not roll_import.rejections:
            return "–"
        return format_html(
            "<p>{}</p><table><thead><tr><th>{}</th><th>{}</th></tr></thead><tbody>{}</tbody>"
            "</table>",
            _("Nessun elettore è stato importato: correggi queste righe e carica di nuovo."),
            _("riga"),
            _("motivo"),
            format_html_join(
                "",
                "<tr><td>{}</td><td>{}</td></tr>",
                ((item["row"] or _("file"), item["reason"]) for item in roll_import.rejections),
            ),
        )

    def save_model(self, request, obj, form, change):
        obj.uploaded_by = request.user
        super().save_model(request, obj, form, change)
        from .tasks import import_roll

        transaction.on_commit(partial(import_roll.delay, obj.pk))

    def response_add(self, request, obj, post_url_continue=None):
        # Straight to the progress page.
        self.message_user(request, _("File caricato: il controllo delle righe è iniziato."))
        return HttpResponseRedirect(reverse("admin:consulte_rollimport_change", args=[obj.pk]))

    def render_change_form(self, request, context, add=False, change=False, form_url="", obj=None):
        context["refresh"] = obj is not None and obj.status in (
            RollImport.Status.PENDING,
            RollImport.Status.RUNNING,
        )
        return super().render_change_form(request, context, add, change, form_url, obj)
