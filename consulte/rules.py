"""Who may do what in the consulte and their elections (see STYLE.md, "Who may do what").

Two kinds of permission are registered here.

- The acts of an office (OFFICE_PERMISSIONS): drafting a council's opinion belongs to the
  members in office of THAT council, acting at a voting point to ITS poll workers. They follow
  a person's seat or post, not a level of trust. Django's `User.has_perm` answers True to every
  superuser before asking any backend, which would let the portal's technical administrator
  write a council's act, or register voters and issue terminal codes at a desk they do not
  staff (where the log would then attribute the act to a stranger to the point). So these are
  asked through their rules, with `has_office_perm` below (and `{% has_office_perm %}` in the
  templates): same names, same predicates, no superuser shortcut.
- The others are asked as usual, `user.has_perm(name, obj)` and `{% has_perm %}`.

The staff's model permissions (roles.py) stay model permissions, asked by name where they
decide on their own: `consulte.run_key_ceremony` and `consulte.open_ballot_box` (the guardians'
pages, held by the officer who stands beside the guardians: guardians have no account),
`consulte.declare_count_complete`, and `consulte.issue_code_during_vote`, which is granted to
named people only and never to a role. A rule below never asks its own name, so asking a
model permission from a predicate cannot loop.

The services that views, the admin and tasks share (services.py, elections/desk.py,
elections/verification.py) ask the same permissions again and answer with their domain error:
a page that forgets to ask must not be enough to act at someone else's voting point.
"""

import rules

from collabcity.roles import MUNICIPAL_STAFF

from .models import Council, Election, Member, OpinionRequest, VotingPoint
from .roles import POLL_WORKER

# --- councils -------------------------------------------------------------------------------------


@rules.predicate
def sits_on_council(user, council: Council | None) -> bool:
    """A member in office today, through the user's active account: of that council, or of any
    council when none is given."""
    seats = Member.objects.held_by(user)
    return (seats if council is None else seats.filter(council=council)).exists()


@rules.predicate
def sits_on_council_of_request(user, opinion_request: OpinionRequest | None) -> bool:
    if opinion_request is None:
        return False
    return Member.objects.held_by(user).filter(council_id=opinion_request.council_id).exists()


# --- the polling desk -----------------------------------------------------------------------------


@rules.predicate
def is_poll_worker(user) -> bool:
    return user.is_authenticated and user.has_role(POLL_WORKER)


@rules.predicate
def is_municipal_staff(user) -> bool:
    return user.is_authenticated and user.has_role(MUNICIPAL_STAFF)


@rules.predicate
def works_at_point(user, voting_point: VotingPoint | None) -> bool:
    """One of the poll workers assigned to the point (VotingPointQuerySet.served_by)."""
    if voting_point is None or not user.is_authenticated:
        return False
    return VotingPoint.objects.served_by(user).filter(pk=voting_point.pk).exists()


@rules.predicate
def works_at_election(user, election: Election | None) -> bool:
    """One of the poll workers of a voting point of the election."""
    if election is None or not user.is_authenticated:
        return False
    return VotingPoint.objects.served_by(user).filter(election=election).exists()


may_use_desk = is_poll_worker | is_municipal_staff


# --- the electoral roll ---------------------------------------------------------------------------


@rules.predicate
def may_issue_voting_codes(user) -> bool:
    """Staff who read the roll and run the election: codes for the post before the vote. While
    voting is open the service also asks consulte.issue_code_during_vote."""
    return user.has_perm("consulte.view_elector") and user.has_perm("consulte.change_election")


# --- the permissions ------------------------------------------------------------------------------

# "La mia consulta" (no object: a seat in any council) and the council page's invitation to it
# (the council: a seat in that one).
rules.add_perm("consulte.work_as_councillor", sits_on_council)
# Writing, saving and transmitting the opinion; whether it is still open is the service's answer.
rules.add_perm("consulte.draft_opinion", sits_on_council_of_request)
# The desk's pages at all (403 for anyone else): the poll workers, and the staff who organise
# the vote; which points a person sees there is serve_election / serve_voting_point (404).
rules.add_perm("consulte.use_desk", may_use_desk)
rules.add_perm("consulte.serve_election", may_use_desk & works_at_election)
# Registering presence, marking a paper voter, a terminal code, the point's paper count.
rules.add_perm("consulte.serve_voting_point", may_use_desk & works_at_point)
rules.add_perm("consulte.issue_voting_codes", may_issue_voting_codes)

OFFICE_PERMISSIONS = frozenset(
    {
        "consulte.work_as_councillor",
        "consulte.draft_opinion",
        "consulte.serve_election",
        "consulte.serve_voting_point",
    }
)


def has_office_perm(user, permission: str, obj=None) -> bool:
    """Ask an act of an office by its rule, which a superuser passes only by holding the office."""
    if permission not in OFFICE_PERMISSIONS:
        raise ValueError(f"{permission} is not the act of an office: ask user.has_perm().")
    return rules.has_perm(permission, user, obj)
