from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied
from django.db.models import Q
from django.http import HttpResponseNotAllowed, HttpResponseRedirect
from django.shortcuts import get_object_or_404
from django.urls import path, reverse
from django.utils import timezone
from django.utils.html import format_html
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _
from simple_history.admin import SimpleHistoryAdmin

from collabcity.admin import ServiceRecordAdmin
from collabcity.forms import HTTPS_URL_FIELDS

from . import services
from .models import (
    Action,
    Agreement,
    Attachment,
    Comment,
    Commitment,
    Indicator,
    Measurement,
    Party,
    Status,
    StatusChange,
)
from .proposals import admin as proposals_admin  # noqa: F401 - registers calls and proposals


class YearFilter(admin.SimpleListFilter):
    title = _("anno (in vigore)")
    parameter_name = "anno"

    def lookups(self, request, model_admin):
        years = Agreement.objects.exclude(start_date=None).dates("start_date", "year")
        first = years.first().year if years else timezone.localdate().year
        last = max(timezone.localdate().year, *(d.year for d in years)) if years else first
        return [(str(year), str(year)) for year in range(last + 1, first - 1, -1)]

    def queryset(self, request, queryset):
        if self.value() and self.value().isdigit():
            return queryset.in_year(int(self.value()))
        return queryset


class FrozenAfterSignatureMixin:
    """The signed text does not change: parties, actions and commitments freeze at firmato."""

    def _frozen(self, obj) -> bool:
        return obj is not None and (obj.is_signed or obj.status == Status.WITHDRAWN)

    def has_add_permission(self, request, obj=None):
        return not self._frozen(obj) and super().has_add_permission(request, obj)

    def has_change_permission(self, request, obj=None):
        return not self._frozen(obj) and super().has_change_permission(request, obj)

    def has_delete_permission(self, request, obj=None):
        return not self._frozen(obj) and super().has_delete_permission(request, obj)


class PartyInline(FrozenAfterSignatureMixin, admin.StackedInline):
    model = Party
    extra = 0
    autocomplete_fields = ["organisation", "representative"]
    fields = [
        ("kind", "order"),
        ("organisation", "name"),
        ("signatory_name", "signatory_role"),
        ("representative", "signed_on"),
    ]


class ActionInline(FrozenAfterSignatureMixin, admin.StackedInline):
    model = Action
    extra = 0
    fields = [("title", "order"), "description", ("place", "schedule")]


class CommitmentInline(FrozenAfterSignatureMixin, admin.TabularInline):
    model = Commitment
    extra = 0
    fields = ["party", "kind", "description", "amount", "unit"]

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        if db_field.name == "party":
            object_id = request.resolver_match.kwargs.get("object_id")
            kwargs["queryset"] = Party.objects.filter(agreement_id=object_id).select_related(
                "organisation"
            )
        return super().formfield_for_foreignkey(db_field, request, **kwargs)


class IndicatorInline(admin.TabularInline):
    model = Indicator
    extra = 0
    fields = ["name", "unit", "target", "frequency", "order"]
    show_change_link = True
    verbose_name_plural = _("indicatori (le rilevazioni si inseriscono da «Modifica»)")


class AttachmentInline(admin.TabularInline):
    model = Attachment
    extra = 0
    fields = ["title", "kind", "file", "public"]


class StatusChangeInline(admin.TabularInline):
    model = StatusChange
    extra = 0
    fields = ["at", "from_status", "to_status", "by", "note"]
    readonly_fields = fields
    can_delete = False
    verbose_name_plural = _("passaggi di stato")

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False


class CommentInline(admin.TabularInline):
    model = Comment
    extra = 0
    fields = ["created_at", "party", "author", "body"]
    readonly_fields = fields
    verbose_name_plural = _("commenti dei referenti durante la co-progettazione")

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False


@admin.register(Agreement)
class AgreementAdmin(SimpleHistoryAdmin):
    list_display = ["title", "status_badge", "theme", "quartieri_list", "start_date", "end_date"]
    list_filter = ["status", "theme", YearFilter, "quartieri__ambito", "quartieri"]
    search_fields = [
        "title",
        "summary",
        "resolution_number",
        "parties__name",
        "parties__organisation__name",
        "parties__signatory_name",
    ]
    prepopulated_fields = {"slug": ["title"]}
    autocomplete_fields = ["quartieri"]
    readonly_fields = ["status", "approved_at", "withdrawal_reason", "public_preview"]
    date_hierarchy = "start_date"
    inlines = [
        PartyInline,
        ActionInline,
        CommitmentInline,
        IndicatorInline,
        AttachmentInline,
        StatusChangeInline,
        CommentInline,
    ]
    fieldsets = [
        (
            _("L'accordo"),
            {"fields": ["title", "slug", "theme", "quartieri", "summary", "public_preview"]},
        ),
        (
            _("Contenuti"),
            {
                "fields": ["objectives", "resources"],
                "description": _("Azioni, parti e impegni si inseriscono nelle sezioni sotto."),
            },
        ),
        (_("Durata"), {"fields": [("start_date", "end_date")]}),
        (
            _("Approvazione e stato"),
            {
                "fields": [
                    "status",
                    ("resolution_number", "resolution_date"),
                    "approved_at",
                    "withdrawal_reason",
                ],
                "description": _(
                    "Lo stato si cambia con i pulsanti in alto: ogni passaggio è verificato e "
                    "registrato con chi lo ha fatto e quando."
                ),
            },
        ),
        (
            _("Risultati e collegamenti"),
            {"fields": ["final_report", "activities_link"]},
        ),
    ]
    formfield_overrides = HTTPS_URL_FIELDS
    change_form_template = "admin/accordi/agreement/change_form.html"
    object_history_template = "admin/accordi/agreement/object_history.html"
    history_list_display = ["status"]

    def get_queryset(self, request):
        return super().get_queryset(request).prefetch_related("quartieri")

    def get_readonly_fields(self, request, obj=None):
        fields = list(super().get_readonly_fields(request, obj))
        if obj is not None and (obj.is_signed or obj.status == Status.WITHDRAWN):
            fields += ["title", "slug", "theme", "quartieri", "summary", "objectives"]
            fields += ["resources", "start_date", "end_date"]
        if obj is not None and obj.status != Status.DRAFT and obj.status != Status.CODESIGN:
            fields += ["resolution_number", "resolution_date"]
        return fields

    def get_prepopulated_fields(self, request, obj=None):
        return {} if obj is not None and obj.is_signed else self.prepopulated_fields

    def view_on_site(self, obj):
        # The public address is a 404 until approval: the staff always get the preview.
        return reverse("accordi:preview", kwargs={"slug": obj.slug})

    def revert_disabled(self, request, obj=None):
        # Reverting to an old version would also revert the status, outside the lifecycle.
        return True

    def history_form_view(self, request, object_id, version_id, extra_context=None):
        # An old version may be read, never saved back (its status would come with it).
        if request.method == "POST":
            raise PermissionDenied
        return super().history_form_view(request, object_id, version_id, extra_context)

    @admin.display(description=_("stato"), ordering="status")
    def status_badge(self, obj):
        return obj.get_status_display()

    @admin.display(description=_("quartieri"))
    def quartieri_list(self, obj):
        return ", ".join(q.name for q in obj.quartieri.all())

    @admin.display(description=_("pagina pubblica"))
    def public_preview(self, obj):
        if obj is None or obj.pk is None:
            return gettext("Disponibile dopo il primo salvataggio.")
        return format_html(
            '<a href="{}" target="_blank" rel="noopener">{}</a>',
            reverse("accordi:preview", kwargs={"slug": obj.slug}),
            gettext("Anteprima della pagina pubblica"),
        )

    def get_urls(self):
        return [
            path(
                "<path:object_id>/transizione/",
                self.admin_site.admin_view(self.transition_view),
                name="accordi_agreement_transition",
            ),
        ] + super().get_urls()

    def change_view(self, request, object_id, form_url="", extra_context=None):
        obj = self.get_object(request, object_id)
        extra_context = extra_context or {}
        if obj is not None and request.user.has_perm("accordi.steer_agreement", obj):
            extra_context["transitions"] = [
                (to, services.TRANSITION_LABELS[to]) for to in services.allowed_targets(obj)
            ]
        return super().change_view(request, object_id, form_url, extra_context)

    def transition_view(self, request, object_id):
        return _transition_view(self, request, object_id)

    def history_view(self, request, object_id, extra_context=None):
        extra_context = {**(extra_context or {}), "related_history": related_history(object_id)}
        return super().history_view(request, object_id, extra_context)


def _transition_view(model_admin: AgreementAdmin, request, object_id):
    if request.method != "POST":
        return HttpResponseNotAllowed(["POST"])
    agreement = get_object_or_404(Agreement, pk=object_id)
    if not request.user.has_perm("accordi.steer_agreement", agreement):
        raise PermissionDenied
    to = request.POST.get("to", "")
    try:
        services.transition(
            agreement=agreement, to=to, by=request.user, note=request.POST.get("note", "")
        )
    except services.TransitionError as error:
        model_admin.message_user(
            request,
            gettext("Passaggio non eseguito: %(reason)s") % {"reason": error.messages[0]},
            messages.ERROR,
        )
    else:
        model_admin.message_user(
            request,
            gettext("L'accordo è ora nello stato «%(status)s».")
            % {"status": agreement.get_status_display()},
            messages.SUCCESS,
        )
    return HttpResponseRedirect(reverse("admin:accordi_agreement_change", args=[agreement.pk]))


HISTORY_ACTIONS = {"+": _("aggiunta"), "~": _("modifica"), "-": _("eliminazione")}
RELATED_HISTORIES = [
    (Party, "agreement_id", _("Parti")),
    (Action, "agreement_id", _("Azioni")),
    (Commitment, "agreement_id", _("Impegni")),
    (Indicator, "agreement_id", _("Indicatori")),
    (Measurement, "indicator__agreement_id", _("Rilevazioni")),
    (Attachment, "agreement_id", _("Documenti")),
]


def related_history(agreement_id) -> list[dict]:
    """The versions of the agreement's parts, newest first, each with what changed."""
    rows = []
    for model, lookup, label in RELATED_HISTORIES:
        if not str(agreement_id).isdigit():
            break
        records = list(
            model.history.filter(Q(**{lookup: agreement_id}))
            .select_related("history_user")
            .order_by("id", "history_date", "history_id")
        )
        previous_by_object = {}
        for record in records:
            previous = previous_by_object.get(record.id)
            changes = []
            if previous is not None and record.history_type == "~":
                delta = record.diff_against(previous)
                changes = [
                    {
                        "field": model._meta.get_field(change.field).verbose_name,
                        "old": change.old,
                        "new": change.new,
                    }
                    for change in delta.changes
                ]
            rows.append(
                {
                    "section": label,
                    "record": record,
                    "object": str(record.instance),
                    "action": HISTORY_ACTIONS[record.history_type],
                    "changes": changes,
                }
            )
            previous_by_object[record.id] = record
    return sorted(rows, key=lambda row: row["record"].history_date, reverse=True)


class MeasurementInline(admin.TabularInline):
    model = Measurement
    extra = 1
    fields = ["measured_on", "value", "note"]


@admin.register(Indicator)
class IndicatorAdmin(SimpleHistoryAdmin):
    list_display = ["name", "agreement", "unit", "target", "frequency"]
    list_filter = ["agreement__status", "frequency"]
    search_fields = ["name", "agreement__title"]
    autocomplete_fields = ["agreement"]
    inlines = [MeasurementInline]
    list_select_related = ["agreement"]


@admin.register(StatusChange)
class StatusChangeAdmin(ServiceRecordAdmin):
    list_display = ["agreement", "from_status", "to_status", "by", "at"]
    list_filter = ["to_status"]
    search_fields = ["agreement__title", "note"]
    list_select_related = ["agreement", "by"]

    def has_delete_permission(self, request, obj=None):
        return False
