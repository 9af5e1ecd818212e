from django import template
from django.utils.html import format_html

from accordi.models import Proposal

register = template.Library()

# One colour per stage of a proposal's path, so that every page tells them apart the same way.
BADGE_CLASSES = {
    Proposal.Status.DRAFT: "bg-warning text-dark",
    Proposal.Status.SUBMITTED: "bg-primary",
    Proposal.Status.EVALUATION: "bg-primary",
    Proposal.Status.ADMITTED: "bg-success",
    Proposal.Status.NOT_ADMITTED: "bg-secondary",
    Proposal.Status.CONVERTED: "bg-success",
    Proposal.Status.WITHDRAWN: "bg-secondary",
}


@register.simple_tag
def proposal_badge(proposal: Proposal) -> str:
    return format_html(
        '<span class="badge {}">{}</span>',
        BADGE_CLASSES[proposal.status],
        proposal.get_status_display(),
    )
