"""Signals stewardship sends, so that subject domains react without stewardship knowing them.

`revision_recorded` is sent after a revision is added to the session (not yet committed), with
sender = the subject type's name ("place", "initiative") and the keyword arguments `subject`, `revision`
and `actor`. Receivers change only their own rows, in the same transaction.
"""
from __future__ import annotations

from blinker import Namespace

_signals = Namespace()

revision_recorded = _signals.signal("stewardship.revision-recorded")
