"""Calls are written in the admin; proposals are read here and worked on the portal's pages,
where the staff evaluate them, ask the consulta, decide and convert (the same services)."""

from django.contrib import admin
from django.db.models import Count, Q
from django.urls import reverse
from django.utils import timezone
from django.utils.html import format_html
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _
from simple_history.admin import SimpleHistoryAdmin

from accordi.models import (
    Call,
    Proposal,
    ProposalAttachment,
    ProposalComment,
    ProposalStatusChange,
)
from collabcity.admin import ServiceRecordAdmin


@admin.register(Call)
class CallAdmin(SimpleHistoryAdmin):
    list_display = ["title", "phase_label", "opens_on", "closes_on", "published", "proposal_count"]
    list_filter = ["published", "theme", "ambiti"]
    search_fields = ["title", "description"]
    prepopulated_fields = {"slug": ["title"]}
    autocomplete_fields = ["offered_centres"]
    filter_horizontal = ["ambiti"]
    date_hierarchy = "opens_on"
    fieldsets = [
        (_("L'avviso"), {"fields": ["title", "slug", "theme", "ambiti", "description"]}),
        (
            _("Che cosa offre il Comune"),
            {
                "fields": [
                    "offered_spaces",
                    "offered_centres",
                    "offered_materials",
                    "offered_staff_time",
                    "budget_ceiling",
                ]
            },
        ),
        (
            _("Tempi, criteri e pubblicazione"),
            {"fields": [("opens_on", "closes_on"), "criteria", "published"]},
        ),
    ]

    def get_queryset(self, request):
        return (
            super()
            .get_queryset(request)
            .annotate(
                number_of_proposals=Count(
                    "proposals", filter=~Q(proposals__status=Proposal.Status.DRAFT)
                )
            )
        )

    @admin.display(description=_("stato"))
    def phase_label(self, obj: Call) -> str:
        return {
            "upcoming": gettext("In arrivo"),
            "open": gettext("Aperto"),
            "closed": gettext("Chiuso"),
        }[obj.phase(timezone.localdate())]

    @admin.display(description=_("proposte presentate"), ordering="number_of_proposals")
    def proposal_count(self, obj: Call) -> int:
        return obj.number_of_proposals

    def view_on_site(self, obj: Call):
        return obj.get_absolute_url() if obj.published else None


class ReadOnlyInline(admin.TabularInline):
    extra = 0
    can_delete = False

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False


class StatusChangeInline(ReadOnlyInline):
    model = ProposalStatusChange
    fields = ["at", "from_status", "to_status", "by", "note"]
    readonly_fields = fields
    verbose_name_plural = _("passaggi di stato")


class AttachmentInline(ReadOnlyInline):
    model = ProposalAttachment
    fields = ["title", "public", "uploaded_at", "download"]
    readonly_fields = fields

    @admin.display(description=_("file"))
    def download(self, obj: ProposalAttachment) -> str:
        return format_html('<a href="{}">{}</a>', obj.get_absolute_url(), obj.filename)


class CommentInline(ReadOnlyInline):
    model = ProposalComment
    fields = ["created_at", "author", "body", "hidden_at", "hidden_reason"]
    readonly_fields = fields
    verbose_name_plural = _("commenti")


@admin.register(Proposal)
class ProposalAdmin(SimpleHistoryAdmin):
    """Read-only: the proposal is the proposers' text, and its steps are the portal's services."""

    list_display = ["title", "status", "call", "proposer", "submitted_at", "supports"]
    list_filter = ["status", "theme", "call", "quartieri__ambito"]
    search_fields = [
        "title",
        "summary",
        "group_name",
        "organisation__name",
        "author__email",
        "author__last_name",
    ]
    list_select_related = ["call", "organisation", "author"]
    date_hierarchy = "submitted_at"
    inlines = [StatusChangeInline, AttachmentInline, CommentInline]
    readonly_fields = ["portal_page", "opinion_request_list", "agreement_link"]

    def get_queryset(self, request):
        return super().get_queryset(request).with_support_count()

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False

    def view_on_site(self, obj: Proposal):
        return obj.get_absolute_url()

    def revert_disabled(self, request, obj=None):
        return True

    @admin.display(description=_("proponente"))
    def proposer(self, obj: Proposal) -> str:
        return f"{obj.proposer_name} ({obj.author.email})"

    @admin.display(description=_("sostegni"), ordering="support_count")
    def supports(self, obj: Proposal) -> int:
        return obj.support_count

    @admin.display(description=_("pagina sul portale"))
    def portal_page(self, obj: Proposal) -> str:
        return format_html(
            '<a href="{}">{}</a>',
            obj.get_absolute_url(),
            gettext("Valuta la proposta sul portale"),
        )

    @admin.display(description=_("richieste di parere"))
    def opinion_request_list(self, obj: Proposal) -> str:
        requests = list(obj.opinion_requests.select_related("council"))
        if not requests:
            return "—"
        return format_html(
            "<br>".join(["{}"] * len(requests)),
            *(f"{request.council.name}: {request.get_status_display()}" for request in requests),
        )

    @admin.display(description=_("accordo"))
    def agreement_link(self, obj: Proposal) -> str:
        if obj.agreement_id is None:
            return "—"
        return format_html(
            '<a href="{}">{}</a>',
            reverse("admin:accordi_agreement_change", args=[obj.agreement_id]),
            obj.agreement.title,
        )


@admin.register(ProposalComment)
class ProposalCommentAdmin(ServiceRecordAdmin):
    list_display = ["proposal", "author", "created_at", "hidden_at"]
    list_filter = [("hidden_at", admin.EmptyFieldListFilter)]
    search_fields = ["body", "proposal__title", "author__email"]
    list_select_related = ["proposal", "author"]

    def has_delete_permission(self, request, obj=None):
        # Moderation hides a comment with its reason; nobody deletes one.
        return False
