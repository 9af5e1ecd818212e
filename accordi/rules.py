"""Who may do what with the accordi (see STYLE.md, "Who may do what").

The staff's model permissions (roles.py) are what their role holds; the rules below are what
views, templates and services ask. A rule never asks its own name, so asking a model
permission from a predicate cannot loop.
"""

import rules

from .models import Agreement, Attachment, Status


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
