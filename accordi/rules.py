"""Who may do what with the accordi (see STYLE.md, "Who may do what").

The staff's model permissions (roles.py) are what their role holds; the rules below are what
views, templates and services ask. A rule never asks its own name, so asking a model
permission from a predicate cannot loop.
"""

import rules
from django.utils import timezone

from .models import (
    Agreement,
    Attachment,
    Call,
    Proposal,
    ProposalAttachment,
    ProposalComment,
    Status,
)


@rules.predicate
def is_agreements_staff(user) -> bool:
    """The Comune's staff who keep the agreements in the admin."""
    return user.is_authenticated and user.is_staff and user.has_perm("accordi.view_agreement")


@rules.predicate
def may_steer_agreements(user) -> bool:
    return user.is_authenticated and user.is_staff and user.has_perm("accordi.transition_agreement")


@rules.predicate
def is_party_representative(user, agreement: Agreement) -> bool:
    """The account a party named as its representative on the portal."""
    if not user.is_authenticated or agreement is None:
        return False
    # Through parties.all(): the pages prefetch the parties, and ask more than once.
    return any(party.representative_id == user.pk for party in agreement.parties.all())


@rules.predicate
def is_in_codesign(user, agreement: Agreement) -> bool:
    return agreement is not None and agreement.status == Status.CODESIGN


@rules.predicate
def may_download_attachment(user, document: Attachment) -> bool:
    """The staff, any document; the others, the public documents of an agreement they may read."""
    if document is None:
        return False
    if is_agreements_staff(user):
        return True
    agreement = document.agreement
    return document.public and (agreement.is_public or is_party_representative(user, agreement))


# The page of an agreement in any status, as the public will see it.
rules.add_perm("accordi.preview_agreement", is_agreements_staff)
# A lifecycle step from the admin; whether the step may be taken now is services.refusal.
rules.add_perm("accordi.steer_agreement", may_steer_agreements)
rules.add_perm("accordi.view_draft", is_party_representative)
rules.add_perm("accordi.comment_draft", is_party_representative & is_in_codesign)
rules.add_perm("accordi.download_attachment", may_download_attachment)


# Proposals


@rules.predicate
def is_proposal_officer(user) -> bool:
    """The Comune's staff who evaluate proposals and moderate their discussion."""
    return user.is_authenticated and user.is_active and user.has_perm("accordi.manage_proposals")


@rules.predicate
def is_member(user) -> bool:
    return user.is_authenticated and user.is_active


@rules.predicate
def is_proposer(user, proposal: Proposal | None) -> bool:
    return proposal is not None and proposal.is_proposer(user)


@rules.predicate
def is_public_proposal(user, proposal: Proposal | None) -> bool:
    return proposal is not None and proposal.is_public


@rules.predicate
def is_draft(user, proposal: Proposal | None) -> bool:
    return proposal is not None and proposal.is_draft


@rules.predicate
def may_be_withdrawn(user, proposal: Proposal | None) -> bool:
    return proposal is not None and proposal.status in (
        Proposal.Status.SUBMITTED,
        Proposal.Status.EVALUATION,
        Proposal.Status.ADMITTED,
    )


@rules.predicate
def accepts_supports(user, proposal: Proposal | None) -> bool:
    return proposal is not None and proposal.accepts_supports


@rules.predicate
def is_open_for_discussion(user, proposal: Proposal | None) -> bool:
    return proposal is not None and proposal.is_open_for_discussion


@rules.predicate
def has_declared_quartiere(user) -> bool:
    """Supports count residents: the person has said where they live, in their profile."""
    return user.is_authenticated and user.quartiere_id is not None


@rules.predicate
def is_submitted(user, proposal: Proposal | None) -> bool:
    return proposal is not None and proposal.status == Proposal.Status.SUBMITTED


@rules.predicate
def is_in_evaluation(user, proposal: Proposal | None) -> bool:
    return proposal is not None and proposal.status == Proposal.Status.EVALUATION


@rules.predicate
def is_admitted(user, proposal: Proposal | None) -> bool:
    return proposal is not None and proposal.status == Proposal.Status.ADMITTED


@rules.predicate
def call_takes_proposals(user, call: Call | None) -> bool:
    """Spontaneous proposals (no call) are always welcome; a call only while it is open."""
    return call is None or call.is_open(timezone.localdate())


@rules.predicate
def is_comment_author(user, comment: ProposalComment | None) -> bool:
    return comment is not None and user.is_authenticated and comment.author_id == user.pk


@rules.predicate
def is_visible_comment(user, comment: ProposalComment | None) -> bool:
    return comment is not None and not comment.is_hidden and comment.proposal.is_public


@rules.predicate
def is_public_document(user, document: ProposalAttachment | None) -> bool:
    return document is not None and document.public and document.proposal.is_public


@rules.predicate
def is_document_of_own_proposal(user, document: ProposalAttachment | None) -> bool:
    return document is not None and document.proposal.is_proposer(user)


rules.add_perm("accordi.read_proposal", is_public_proposal | is_proposer | is_proposal_officer)
rules.add_perm("accordi.propose", is_member & call_takes_proposals)
rules.add_perm("accordi.edit_proposal", is_proposer & is_draft)
rules.add_perm("accordi.submit_proposal", is_proposer & is_draft)
rules.add_perm("accordi.discard_draft", is_proposer & is_draft)
rules.add_perm("accordi.withdraw_proposal", is_proposer & may_be_withdrawn)
rules.add_perm(
    "accordi.support_proposal",
    is_member & has_declared_quartiere & accepts_supports & ~is_proposer,
)
rules.add_perm("accordi.follow_proposal", is_member & is_public_proposal)
rules.add_perm("accordi.comment_proposal", is_member & is_open_for_discussion)
rules.add_perm("accordi.report_comment", is_member & is_visible_comment & ~is_comment_author)
rules.add_perm("accordi.moderate_comment", is_proposal_officer)
rules.add_perm("accordi.start_evaluation", is_proposal_officer & is_submitted)
rules.add_perm("accordi.decide_proposal", is_proposal_officer & is_in_evaluation)
rules.add_perm("accordi.convert_proposal", is_proposal_officer & is_admitted)
rules.add_perm("accordi.evaluate_proposals", is_proposal_officer)
rules.add_perm(
    "accordi.download_proposal_document",
    is_public_document | is_document_of_own_proposal | is_proposal_officer,
)
