"""The conference's tables: the meeting and its roll (conference.py), polls and their secret ballots (polls.py)."""

from .conference import AgendaItem, AgendaKind, CheckInMethod, Conference, ConferenceStatus, Delegate
from .polls import (
    Ballot,
    BaseChoice,
    Candidate,
    CandidateGroup,
    PaperCount,
    Poll,
    PollKind,
    PollStatus,
    TieRule,
    VoteChannel,
    VoterRoll,
)

__all__ = [
    "AgendaItem",
    "AgendaKind",
    "Ballot",
    "BaseChoice",
    "Candidate",
    "CandidateGroup",
    "CheckInMethod",
    "Conference",
    "ConferenceStatus",
    "Delegate",
    "PaperCount",
    "Poll",
    "PollKind",
    "PollStatus",
    "TieRule",
    "VoteChannel",
    "VoterRoll",
]
