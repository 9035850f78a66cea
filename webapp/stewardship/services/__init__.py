"""The rules of co-beheer for any registered subject type (a place, an initiative, ...). No Flask request
inside: every rule takes the acting user and checks permission itself (NotAllowed -> 403); a broken rule
raises Invalid (400) or Conflict (409, e.g. EditConflict). The caller commits; on any exception it rolls
back, so nothing is half-saved.

One module per concern:
- `base`: the subject's registered type, title, public/closed, the co-owner rows;
- `permissions`: can_view, can_edit, can_manage, can_moderate (and "closed: no more joining");
- `revisions`: record, history, edit with optimistic locking (EditConflict), revert, confirm;
- `owners`: join requests, leaving, moderators adding and removing co-owners;
- `suggestions`, `reports` (when a subject is hidden after reports: HIDE_AFTER_REPORTERS);
- `barriers`: a barrier report flags one attribute until it is confirmed or corrected;
- `queue`: the moderation queue, "Mijn plekken", the subject panel; `notify`: who gets which mail;
- `values`: column values as plain JSON for the revision log.

The names below are what the rest of the application imports from `webapp.stewardship.services`.
"""
from __future__ import annotations

from webapp.stewardship.services.barriers import flagged_fields, reportable_fields
from webapp.stewardship.services.base import (
                                              active_owners,
                                              add_owner,
                                              get_subject,
                                              is_closed,
                                              is_owner,
                                              is_public,
                                              owners_of,
                                              subject_of,
                                              subject_title,
                                              subject_type,
)
from webapp.stewardship.services.notify import handlers_of, moderators_of, notify
from webapp.stewardship.services.owners import (
                                              decide_join,
                                              join_requests,
                                              leave,
                                              moderator_add_owner,
                                              moderator_remove_owner,
                                              open_join_request,
                                              request_join,
                                              withdraw_join,
)
from webapp.stewardship.services.permissions import can_edit, can_manage, can_moderate, can_view, is_moderator_anywhere
from webapp.stewardship.services.queue import moderation_queue, my_places, panel
from webapp.stewardship.services.reports import (
                                              HIDE_AFTER_REPORTERS,
                                              MAX_REASON,
                                              close_report,
                                              decide_hidden,
                                              open_report_count,
                                              report,
                                              visible_reports,
)
from webapp.stewardship.services.revisions import (
                                              EditConflict,
                                              apply_edit,
                                              confirm_attributes,
                                              edit_subject,
                                              history,
                                              record_revision,
                                              revert_to,
                                              status_since,
)
from webapp.stewardship.services.suggestions import decide_suggestion, suggest_edit, suggestions
from webapp.stewardship.services.values import lon_lat, make_point, point_text

__all__ = [
    "HIDE_AFTER_REPORTERS", "MAX_REASON", "EditConflict",
    "active_owners", "add_owner", "apply_edit", "can_edit", "can_manage", "can_moderate", "can_view",
    "close_report", "confirm_attributes", "flagged_fields", "reportable_fields",
    "decide_hidden", "decide_join", "decide_suggestion", "edit_subject",
    "get_subject", "handlers_of", "history", "is_closed", "is_moderator_anywhere", "is_owner", "is_public",
    "join_requests", "leave", "lon_lat", "make_point", "moderation_queue", "moderator_add_owner",
    "moderator_remove_owner", "moderators_of", "my_places", "notify", "open_join_request",
    "open_report_count",
    "owners_of", "panel", "point_text", "record_revision", "report", "request_join", "revert_to", "status_since",
    "subject_of", "subject_title", "subject_type", "suggest_edit", "suggestions", "visible_reports",
    "withdraw_join",
]
