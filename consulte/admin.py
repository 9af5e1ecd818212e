import datetime

from django.contrib import admin, messages
from django.db.models import Count, F, Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

# The elections' ModelAdmins register themselves when their modules are imported.
from .elections import admin as elections_admin  # noqa: F401
from .elections import roll_admin  # noqa: F401
from .models import Council, Meeting, Member, OpinionRequest, ProgrammingDocument
from .services import OpinionError, announce_opinion_request, is_late, publish_opinion


def _in_office(prefix: str = "") -> Q:
    today = timezone.localdate()
    return Q(**{f"{prefix}term_start__lte": today}) & (
        Q(**{f"{prefix}term_end__isnull": True}) | Q(**{f"{prefix}term_end__gte": today})
    )


class TermFilter(admin.SimpleListFilter):
    title = _("mandato")
    parameter_name = "mandato"

    def lookups(self, request, model_admin):
        return [
            ("in_carica", _("In carica oggi")),
            ("cessati", _("Mandato concluso")),
            ("futuri", _("Mandato non ancora iniziato")),
        ]

    def queryset(self, request, queryset):
        today = timezone.localdate()
        if self.value() == "in_carica":
            return queryset.filter(_in_office())
        if self.value() == "cessati":
            return queryset.filter(term_end__lt=today)
        if self.value() == "futuri":
            return queryset.filter(term_start__gt=today)
        return queryset


class MeetingWhenFilter(admin.SimpleListFilter):
    title = _("quando")
    parameter_name = "quando"

    def lookups(self, request, model_admin):
        return [
            ("prossime", _("In programma")),
            ("passate", _("Passate")),
            ("senza_verbale", _("Passate senza verbale")),
        ]

    def queryset(self, request, queryset):
        now = timezone.now()
        if self.value() == "prossime":
            return queryset.filter(starts_at__gte=now)
        if self.value() == "passate":
            return queryset.filter(starts_at__lt=now)
        if self.value() == "senza_verbale":
            return queryset.filter(starts_at__lt=now, minutes="", minutes_file="")
        return queryset


class DeadlineFilter(admin.SimpleListFilter):
    title = _("termine")
    parameter_name = "termine"

    def lookups(self, request, model_admin):
        return [
            ("scaduto", _("Scaduto senza parere")),
            ("settimana", _("In scadenza entro 7 giorni")),
            ("aperto", _("Aperto")),
            ("in_ritardo", _("Pubblicato oltre il termine")),
        ]

    def queryset(self, request, queryset):
        today = timezone.localdate()
        unpublished = queryset.exclude(status=OpinionRequest.Status.PUBLISHED)
        if self.value() == "scaduto":
            return unpublished.filter(deadline__lt=today)
        if self.value() == "settimana":
            return unpublished.filter(
                deadline__gte=today, deadline__lte=today + datetime.timedelta(days=7)
            )
        if self.value() == "aperto":
            return unpublished.filter(deadline__gte=today)
        if self.value() == "in_ritardo":
            # published_at is a datetime: compare the day after the deadline, in local time.
            return queryset.filter(status=OpinionRequest.Status.PUBLISHED).filter(
                published_at__date__gt=F("deadline")
            )
        return queryset


class MemberInline(admin.TabularInline):
    model = Member
    fields = ["full_name", "kind", "role", "organisation", "term_start", "term_end", "user"]
    autocomplete_fields = ["organisation", "user"]
    extra = 0
    show_change_link = True
    verbose_name_plural = _("componenti (tutti i mandati)")

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("organisation", "user")


class ProgrammingDocumentInline(admin.StackedInline):
    model = ProgrammingDocument
    fields = ["title", "approved_on", ("valid_from", "valid_until"), "body", "document"]
    extra = 0
    show_change_link = True


@admin.register(Council)
class CouncilAdmin(admin.ModelAdmin):
    list_display = ["name", "ambito", "members_in_office", "contact_email"]
    search_fields = ["name", "ambito__name", "ambito__quartieri__name"]
    prepopulated_fields = {"slug": ["name"]}
    list_select_related = ["ambito"]
    inlines = [MemberInline, ProgrammingDocumentInline]
    fieldsets = [
        (None, {"fields": ["ambito", "name", "slug"]}),
        (
            _("Presentazione pubblica"),
            {
                "fields": ["description", "contact_email"],
                "description": _(
                    "Il testo compare sulla pagina pubblica della consulta, sopra i componenti."
                ),
            },
        ),
    ]

    def get_queryset(self, request):
        return (
            super()
            .get_queryset(request)
            .annotate(_members_in_office=Count("members", filter=_in_office("members__")))
        )

    @admin.display(description=_("componenti in carica"), ordering="_members_in_office")
    def members_in_office(self, council):
        return council._members_in_office


@admin.register(Member)
class MemberAdmin(admin.ModelAdmin):
    list_display = [
        "full_name",
        "council",
        "kind",
        "role",
        "organisation",
        "term_start",
        "term_end",
        "in_office",
        "has_account",
    ]
    list_filter = ["council", "kind", "role", TermFilter]
    search_fields = ["full_name", "user__email", "organisation__name"]
    autocomplete_fields = ["organisation", "user"]
    list_select_related = ["council", "organisation", "user"]
    date_hierarchy = "term_start"
    fieldsets = [
        (None, {"fields": ["council", "full_name", "kind", "role"]}),
        (
            _("Designazione"),
            {
                "fields": ["organisation"],
                "description": _(
                    "Solo per i componenti designati: l'associazione o l'impresa dell'ambito "
                    "tra cui il Comune li ha scelti. Obbligatoria per i designati."
                ),
            },
        ),
        (
            _("Mandato"),
            {
                "fields": [("term_start", "term_end")],
                "description": _(
                    "Il mandato dei delegati eletti dura cinque anni dalla data dell'elezione. "
                    "Per chi lascia prima, indica l'ultimo giorno in carica."
                ),
            },
        ),
        (_("Account sul portale"), {"fields": ["user"]}),
    ]

    help_texts = {
        "role": _("Presidente, vicepresidente e segretario sono scelti dalla consulta."),
        "term_end": _("Vuoto se la fine non è ancora fissata."),
        "user": _(
            "Collega l'account del componente sul portale: solo così può redigere i pareri "
            "della consulta finché è in carica."
        ),
    }

    def get_form(self, request, obj=None, **kwargs):
        kwargs["help_texts"] = {**self.help_texts, **kwargs.get("help_texts", {})}
        return super().get_form(request, obj, **kwargs)

    @admin.display(description=_("in carica"), boolean=True)
    def in_office(self, member):
        today = timezone.localdate()
        return member.term_start <= today and (member.term_end is None or member.term_end >= today)

    @admin.display(description=_("account"), boolean=True)
    def has_account(self, member):
        return member.user_id is not None


@admin.register(Meeting)
class MeetingAdmin(admin.ModelAdmin):
    list_display = ["starts_at", "council", "place", "has_minutes"]
    list_filter = ["council", MeetingWhenFilter]
    search_fields = ["place", "agenda", "minutes", "council__name"]
    list_select_related = ["council"]
    date_hierarchy = "starts_at"
    fieldsets = [
        (None, {"fields": ["council", "starts_at", "place", "agenda"]}),
        (
            _("Verbale"),
            {
                "fields": ["minutes", "minutes_file"],
                "description": _(
                    "Dopo la riunione, incolla il testo del verbale o carica il file (PDF): "
                    "compare sulla pagina pubblica della riunione."
                ),
            },
        ),
    ]

    @admin.display(description=_("verbale"), boolean=True)
    def has_minutes(self, meeting):
        return bool(meeting.minutes or meeting.minutes_file)


@admin.register(ProgrammingDocument)
class ProgrammingDocumentAdmin(admin.ModelAdmin):
    list_display = ["title", "council", "approved_on", "valid_from", "valid_until"]
    list_filter = ["council", ("approved_on", admin.EmptyFieldListFilter)]
    search_fields = ["title", "body", "council__name"]
    list_select_related = ["council"]
    fieldsets = [
        (None, {"fields": ["council", "title", "body", "document"]}),
        (
            _("Approvazione e vigenza"),
            {
                "fields": ["approved_on", ("valid_from", "valid_until")],
                "description": _(
                    "Un Patto senza data di approvazione è in preparazione. Sulla pagina della "
                    "consulta compare come «in vigore» il più recente approvato la cui vigenza "
                    "comprende oggi."
                ),
            },
        ),
    ]


@admin.register(OpinionRequest)
class OpinionRequestAdmin(admin.ModelAdmin):
    list_display = [
        "title",
        "council",
        "requested_on",
        "deadline",
        "status",
        "late",
        "published_at",
    ]
    list_filter = ["status", DeadlineFilter, "council"]
    search_fields = ["title", "description", "opinion", "council__name"]
    list_select_related = ["council"]
    date_hierarchy = "deadline"
    actions = ["publish"]
    readonly_fields = ["status", "drafted_by", "published_at"]
    fieldsets = [
        (
            _("La richiesta del Comune"),
            {
                "fields": [
                    "council",
                    "title",
                    "description",
                    "document",
                    "requested_on",
                    "deadline",
                ],
                "description": _(
                    "La richiesta è pubblica appena salvata, e i componenti in carica della "
                    "consulta con un account ricevono una notifica."
                ),
            },
        ),
        (
            _("Il parere della consulta"),
            {
                "fields": ["status", "opinion", "drafted_by", "published_at"],
                "description": _(
                    "Di norma il parere lo redigono e lo trasmettono i componenti della consulta "
                    "dal portale, e la trasmissione lo pubblica. Se la consulta lo ha consegnato "
                    "in altra forma, trascrivilo qui e pubblicalo con l'azione «Pubblica il "
                    "parere» dell'elenco."
                ),
            },
        ),
    ]

    help_texts = {
        "title": _("Il nome del piano o dell'atto su cui il Comune chiede il parere."),
        "description": _("Che cosa si chiede alla consulta: è pubblico appena salvato."),
        "document": _("Il documento del piano (PDF), scaricabile dalla pagina pubblica."),
        "deadline": _(
            "Ultimo giorno per il parere. Dopo il termine la consulta può ancora trasmetterlo, "
            "ma sarà indicato come espresso oltre il termine."
        ),
        "opinion": _("Compilalo solo per trascrivere un parere consegnato in altra forma."),
    }

    def get_form(self, request, obj=None, **kwargs):
        kwargs["help_texts"] = {**self.help_texts, **kwargs.get("help_texts", {})}
        return super().get_form(request, obj, **kwargs)

    def get_readonly_fields(self, request, obj=None):
        fields = list(super().get_readonly_fields(request, obj))
        if obj is not None and obj.status == OpinionRequest.Status.PUBLISHED:
            # A published opinion is the council's public act: nobody rewrites it afterwards.
            fields += ["council", "title", "description", "document", "requested_on", "deadline"]
            fields += ["opinion"]
        elif obj is not None:
            fields += ["council"]
        return fields

    def has_delete_permission(self, request, obj=None):
        # Only a request nobody has worked on yet may be withdrawn (e.g. filed by mistake).
        if obj is not None and obj.status != OpinionRequest.Status.REQUESTED:
            return False
        return super().has_delete_permission(request, obj)

    def save_model(self, request, obj, form, change):
        super().save_model(request, obj, form, change)
        if not change:
            # The admin's change view runs in a transaction: the notifications commit with it.
            count = announce_opinion_request(opinion_request=obj)
            self.message_user(
                request,
                ngettext(
                    "Richiesta inviata: %(count)d componente della consulta è stato avvisato.",
                    "Richiesta inviata: %(count)d componenti della consulta sono stati avvisati.",
                    count,
                )
                % {"count": count},
                messages.INFO,
            )

    @admin.display(description=_("oltre il termine"), boolean=True)
    def late(self, opinion_request):
        return is_late(opinion_request)

    @admin.action(description=_("Pubblica il parere"), permissions=["change"])
    def publish(self, request, queryset):
        published = 0
        for opinion_request in queryset:
            try:
                publish_opinion(opinion_request=opinion_request, by=request.user)
            except OpinionError as error:
                self.message_user(
                    request, f"«{opinion_request.title}»: {error.message}", messages.ERROR
                )
            else:
                published += 1
        if published:
            self.message_user(
                request,
                ngettext("%(count)d parere pubblicato.", "%(count)d pareri pubblicati.", published)
                % {"count": published},
                messages.SUCCESS,
            )
