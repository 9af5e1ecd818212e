import functools
from collections.abc import Callable

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.db.models import Prefetch, prefetch_related_objects
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse_lazy
from django.utils.functional import SimpleLazyObject
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST
from rules.contrib.views import permission_required

from collabcity.models import Organisation
from collabcity.page_cache import cache_public_page

from . import opendata, services
from .filters import AgreementFilter
from .forms import CommentForm
from .models import (
    Agreement,
    Attachment,
    Comment,
    StatusChange,
    contents_prefetches,
)

PAGE_SIZE = 12


def _filtered(request: HttpRequest, queryset) -> AgreementFilter:
    return AgreementFilter(request.GET, queryset=queryset, request=request)


@cache_public_page
@require_GET
def index(request: HttpRequest) -> HttpResponse:
    """The published agreements, with filters and search."""
    agreements = SimpleLazyObject(
        lambda: _filtered(request, Agreement.objects.public().for_listing())
    )
    # Read only when the page's shared part is rendered, not when it comes from the cache.
    page = SimpleLazyObject(
        lambda: Paginator(agreements.qs, PAGE_SIZE).get_page(request.GET.get("pagina"))
    )
    return render(
        request,
        "accordi/agreement_list.html",
        {"filter": agreements, "page": page, "is_filtered": _is_filtered(request)},
    )


def _is_filtered(request: HttpRequest) -> bool:
    return any(request.GET.get(name) for name in AgreementFilter.base_filters)


@cache_public_page
@require_GET
def about(request: HttpRequest) -> HttpResponse:
    """What an accordo di cittadinanza is and who can sign one."""
    return render(request, "accordi/about.html", {"organisation_kinds": Organisation.Kind.choices})


def _detail_prefetches() -> tuple:
    return (
        *contents_prefetches(),
        Prefetch("attachments", queryset=Attachment.objects.filter(public=True)),
        Prefetch("status_changes", queryset=StatusChange.objects.order_by("at", "pk")),
    )


def _with_details(queryset):
    return queryset.select_related("proposal").prefetch_related(*_detail_prefetches())


def _detail(
    request: HttpRequest,
    agreement: Agreement,
    details: Callable[[], Agreement] | None = None,
    **extra,
) -> HttpResponse:
    """The page of `agreement`; its body shows `details()`, the agreement with its contents
    (the agreement itself when they are already read)."""
    details = details or (lambda: agreement)
    return render(
        request,
        "accordi/agreement_detail.html",
        {
            "agreement": agreement,
            # A callable, which the template calls: a lazy proxy would not be an Agreement.
            "details": details,
            "totals": SimpleLazyObject(lambda: details().totals()),
            "opportunities": agreement.volunteering_opportunities.published().order_by("title"),
            **extra,
        },
    )


@cache_public_page
@require_GET
def detail(request: HttpRequest, slug: str) -> HttpResponse:
    agreement = get_object_or_404(Agreement.objects.public().select_related("proposal"), slug=slug)

    # Read only when the page's shared body is rendered, not when it comes from the cache.
    @functools.cache
    def details() -> Agreement:
        prefetch_related_objects([agreement], *_detail_prefetches())
        return agreement

    return _detail(request, agreement, details)


@require_GET
@login_required(login_url=reverse_lazy("admin:login"))
@permission_required("accordi.preview_agreement", raise_exception=True)
def preview(request: HttpRequest, slug: str) -> HttpResponse:
    """The public page of an agreement in any state, for the staff drafting it."""
    agreement = get_object_or_404(_with_details(Agreement.objects.all()), slug=slug)
    return _detail(request, agreement, preview=True)


def _draft_or_404(request: HttpRequest, slug: str) -> Agreement:
    """The agreement, for those who may read its draft; for everybody else it does not exist."""
    agreement = get_object_or_404(_with_details(Agreement.objects.all()), slug=slug)
    if not request.user.has_perm("accordi.view_draft", agreement):
        raise Http404
    return agreement


@login_required
def draft(request: HttpRequest, slug: str) -> HttpResponse:
    """The draft, read-only, for the representatives of its parties; comments in co-design."""
    agreement = _draft_or_404(request, slug)
    if agreement.is_public:
        return redirect(agreement)
    party = services.representative_party(agreement, request.user)
    if party is None:
        # A superuser passes every rule without representing anybody: the staff's preview
        # is their page.
        return redirect("accordi:preview", slug=slug)
    comments = Comment.objects.filter(agreement=agreement).select_related(
        "author", "party__organisation"
    )
    return _detail(
        request, agreement, draft=True, party=party, comments=comments, comment_form=CommentForm()
    )


@login_required
@require_POST
def comment(request: HttpRequest, slug: str) -> HttpResponse:
    # Whether the draft is still open for comments (accordi.comment_draft) is asked by the
    # service under the agreement's lock, and answered with a message: the page showed the form.
    agreement = _draft_or_404(request, slug)
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
    if not request.user.has_perm("accordi.download_attachment", document):
        raise Http404
    try:
        handle = document.file.open("rb")
    except FileNotFoundError as missing:
        raise Http404 from missing
    return FileResponse(handle, as_attachment=True, filename=document.filename)


@cache_public_page
@require_GET
def export_csv(request: HttpRequest) -> HttpResponse:
    return opendata.csv_response(_export_queryset(request))


@cache_public_page
@require_GET
def export_json(request: HttpRequest) -> HttpResponse:
    return opendata.json_response(_export_queryset(request), request)


def _export_queryset(request: HttpRequest):
    return _filtered(request, Agreement.objects.public().with_contents()).qs
