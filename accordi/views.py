from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.db.models import Prefetch
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from collabcity.models import Organisation

from . import opendata, services
from .filters import AgreementFilter
from .forms import CommentForm
from .models import (
    Agreement,
    Attachment,
    Comment,
    Commitment,
    Indicator,
    Party,
    Status,
    StatusChange,
)

PAGE_SIZE = 12


def _filtered(request: HttpRequest, queryset) -> AgreementFilter:
    return AgreementFilter(request.GET, queryset=queryset, request=request)


@require_GET
def index(request: HttpRequest) -> HttpResponse:
    """The published agreements, with filters and search."""
    agreements = _filtered(request, Agreement.objects.public().for_listing())
    page = Paginator(agreements.qs, PAGE_SIZE).get_page(request.GET.get("pagina"))
    return render(
        request,
        "accordi/agreement_list.html",
        {"filter": agreements, "page": page, "is_filtered": _is_filtered(request)},
    )


def _is_filtered(request: HttpRequest) -> bool:
    return any(request.GET.get(name) for name in AgreementFilter.base_filters)


@require_GET
def about(request: HttpRequest) -> HttpResponse:
    """What an accordo di cittadinanza is and who can sign one."""
    return render(request, "accordi/about.html", {"organisation_kinds": Organisation.Kind.choices})


def _with_details(queryset):
    return queryset.select_related("proposal").prefetch_related(
        "quartieri",
        Prefetch("parties", queryset=Party.objects.select_related("organisation")),
        "actions",
        Prefetch("commitments", queryset=Commitment.objects.select_related("party__organisation")),
        Prefetch("indicators", queryset=Indicator.objects.prefetch_related("measurements")),
        Prefetch("attachments", queryset=Attachment.objects.filter(public=True)),
        Prefetch("status_changes", queryset=StatusChange.objects.order_by("at", "pk")),
    )


def _detail(request: HttpRequest, agreement: Agreement, **extra) -> HttpResponse:
    return render(
        request,
        "accordi/agreement_detail.html",
        {
            "agreement": agreement,
            "totals": agreement.totals(),
            "opportunities": agreement.volunteering_opportunities.published().order_by("title"),
            **extra,
        },
    )


@require_GET
def detail(request: HttpRequest, slug: str) -> HttpResponse:
    agreement = get_object_or_404(_with_details(Agreement.objects.public()), slug=slug)
    return _detail(request, agreement)


@require_GET
def preview(request: HttpRequest, slug: str) -> HttpResponse:
    """The public page of an agreement in any state, for the staff drafting it."""
    if not request.user.is_authenticated:
        return redirect(f"/admin/login/?next={request.path}")
    if not (request.user.is_staff and request.user.has_perm("accordi.view_agreement")):
        raise PermissionDenied
    agreement = get_object_or_404(_with_details(Agreement.objects.all()), slug=slug)
    return _detail(request, agreement, preview=True)


def _represented(request: HttpRequest, slug: str) -> tuple[Agreement, Party]:
    """The agreement and the party the user represents in it; 404 for everybody else."""
    agreement = get_object_or_404(_with_details(Agreement.objects.all()), slug=slug)
    party = services.representative_party(agreement, request.user)
    if party is None:
        raise Http404
    return agreement, party


@login_required
def draft(request: HttpRequest, slug: str) -> HttpResponse:
    """The draft, read-only, for the representatives of its parties; comments in co-design."""
    agreement, party = _represented(request, slug)
    if agreement.is_public:
        return redirect(agreement)
    comments = Comment.objects.filter(agreement=agreement).select_related(
        "author", "party__organisation"
    )
    return _detail(
        request,
        agreement,
        draft=True,
        party=party,
        comments=comments,
        comment_form=CommentForm(),
        can_comment=agreement.status == Status.CODESIGN,
    )


@login_required
@require_POST
def comment(request: HttpRequest, slug: str) -> HttpResponse:
    agreement, _party = _represented(request, slug)
    form = CommentForm(request.POST)
    if not form.is_valid():
        messages.error(
            request,
            _("Il commento non è stato salvato: %(error)s")
            % {"error": " ".join(form.errors["body"])},
        )
        return redirect(agreement.get_draft_url())
    try:
        services.add_comment(
            agreement=agreement, author=request.user, body=form.cleaned_data["body"]
        )
    except services.CommentError as error:
        messages.error(request, error.messages[0])
    else:
        messages.success(request, _("Il tuo commento è stato aggiunto."))
    return redirect(agreement.get_draft_url() + "#commenti")


@require_GET
def attachment(request: HttpRequest, slug: str, pk: int) -> FileResponse:
    """A document, only where the person may see it: never a bare link to the media folder."""
    document = get_object_or_404(
        Attachment.objects.select_related("agreement"), pk=pk, agreement__slug=slug
    )
    agreement = document.agreement
    user = request.user
    is_staff = user.is_authenticated and user.is_staff and user.has_perm("accordi.view_agreement")
    visible = is_staff or (
        document.public
        and (agreement.is_public or services.representative_party(agreement, user) is not None)
    )
    if not visible:
        raise Http404
    try:
        handle = document.file.open("rb")
    except FileNotFoundError as missing:
        raise Http404 from missing
    return FileResponse(handle, as_attachment=True, filename=document.filename)


@require_GET
def export_csv(request: HttpRequest) -> HttpResponse:
    return opendata.csv_response(_export_queryset(request))


@require_GET
def export_json(request: HttpRequest) -> HttpResponse:
    return opendata.json_response(_export_queryset(request), request)


def _export_queryset(request: HttpRequest):
    # What the files carry, nothing more: each prefetch costs per agreement, not per query.
    agreements = Agreement.objects.public().prefetch_related(
        "quartieri",
        Prefetch("parties", queryset=Party.objects.select_related("organisation")),
        "actions",
        Prefetch("commitments", queryset=Commitment.objects.select_related("party__organisation")),
        Prefetch("indicators", queryset=Indicator.objects.prefetch_related("measurements")),
    )
    return _filtered(request, agreements).qs
