"""Who is voting on this phone: the delegate a scanned card left in the session, or the signed-in user's seat.

A delegate needs no account: scanning the card (`conferences:card`) stores the delegate's id and the
card's nonce in the session, one seat per conference. Each request reads the delegate again and
compares the nonce, so a card the secretary reissues (a lost card) ends every session opened with the
old one at once. Without a card seat, a user whose staff record is on the roll votes through their
account (`delegate_for_user`). Only the seat is kept in the session: never a key, a receipt or a choice.
"""

from typing import Any

from django.http import HttpRequest

from thidua.conferences.models import Conference, Delegate
from thidua.conferences.services.delegates import delegate_for_user

SESSION_KEY = "conferences.hall.seats"


def _seats(request: HttpRequest) -> dict[str, Any]:
    seats = request.session.get(SESSION_KEY)
    return dict(seats) if isinstance(seats, dict) else {}


def remember_delegate(request: HttpRequest, delegate: Delegate) -> None:
    """Let this session vote for `delegate` (after their card was scanned); a new session key against fixation."""
    seats = _seats(request)
    seats[str(delegate.conference_id)] = [delegate.pk, delegate.token_nonce]
    request.session.cycle_key()
    request.session[SESSION_KEY] = seats


def forget_delegate(request: HttpRequest, conference: Conference) -> None:
    seats = _seats(request)
    if seats.pop(str(conference.pk), None) is not None:
        request.session[SESSION_KEY] = seats


def card_delegate(request: HttpRequest, conference: Conference) -> Delegate | None:
    """The delegate of the card scanned in this session for `conference`, if the card is still valid."""
    seat = _seats(request).get(str(conference.pk))
    if not isinstance(seat, list) or len(seat) != 2:
        return None
    delegate_id, nonce = seat
    delegate = (
        Delegate.objects.select_related("unit", "conference").filter(pk=delegate_id, conference=conference).first()
    )
    if delegate is None or delegate.token_nonce != nonce:
        forget_delegate(request, conference)  # the card was reissued (or the seat removed): the session ends
        return None
    return delegate


def current_delegate(request: HttpRequest, conference: Conference) -> Delegate | None:
    """The delegate this request acts for: the card scanned in this session, else the signed-in user's seat."""
    return card_delegate(request, conference) or delegate_for_user(conference, request.user)
