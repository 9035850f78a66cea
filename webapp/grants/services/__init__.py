"""The rules of startbijdragen. Every function takes the acting user; none reads the request; none commits.

Where to look:

| what | module |
| --- | --- |
| who may view, apply, decide ("who may approve a grant") | `permissions.py` |
| the errors (`GrantError` 400, `BudgetExceeded` 409; `NotAllowed` 403 from `webapp.domain_errors`) | `errors.py` |
| the audit log | `audit.py` |
| locks, reserving and releasing money, totals, dashboard figures | `budget.py` |
| rounds: settings, create, update, state, open rounds | `rounds.py` (money settings: `../settings_changes.py`) |
| drafts, sending (quick lane), withdrawing | `applications.py` |
| questions and answers | `questions.py` |
| approve, reject, four eyes, revoke | `decisions.py` |
| payout and refund (`mark_paid`: the one payout bookkeeping) | `payouts.py` |
| the bank account a grant is paid to (IBAN: check, mask, confirm a change, purge) | `bank.py` |
| payment batches (SEPA files): create, mark paid (four eyes), cancel | `batches.py`; the file: `sepa.py` |
| the report after payout | `reports.py` |
| the staff's work list | `queue.py` |
| my applications, the initiative panel, the public overview, the data download | `overview.py` |
| the gemeenten and districts of a round | `areas.py` |
| mails to the applicant side | `notify.py` |

The caller commits, or rolls back on any error (`webapp.transactions`). The names below are the ones the
routes, API, command line, demo data and tests use.
"""
from __future__ import annotations

from webapp.grants.services import bank, batches
from webapp.grants.services.applications import (
                                                 APPLICATION_FIELDS,
                                                 ApplicationData,
                                                 open_application_for,
                                                 save_draft,
                                                 submit,
                                                 submit_errors,
                                                 withdraw,
)
from webapp.grants.services.areas import area_name, districts_of, gemeente, gemeente_brief, round_covers
from webapp.grants.services.audit import audit_log
from webapp.grants.services.budget import FIGURE_KEYS, Figures, dashboard, lock_application, lock_round, round_totals
from webapp.grants.services.clock import local_today, utcnow
from webapp.grants.services.decisions import decide, revoke
from webapp.grants.services.errors import BudgetExceeded, GrantError
from webapp.grants.services.overview import (
                                                 export_for,
                                                 initiative_panel,
                                                 my_applications,
                                                 owned_initiatives,
                                                 public_overview,
)
from webapp.grants.services.payouts import record_payout, record_refund
from webapp.grants.services.permissions import (
                                                 can_apply,
                                                 can_decide,
                                                 can_view,
                                                 helper_gemeenten,
                                                 is_applicant_side,
                                                 is_helper,
                                                 is_initiative_owner,
                                                 is_staff,
                                                 staff_gemeenten,
)
from webapp.grants.services.questions import answer_question, ask_question, thread
from webapp.grants.services.queue import QUEUE_FILTERS, QUEUE_PAGE_SIZE, QueuePage, days_left, queue, queue_page
from webapp.grants.services.reports import receipts_needed, report_of, submit_report
from webapp.grants.services.rounds import (
                                                 ROUND_FIELDS,
                                                 create_round,
                                                 gemeenten_with_rounds,
                                                 open_rounds,
                                                 round_state,
                                                 rounds_of,
                                                 update_round,
)

__all__ = [
    "APPLICATION_FIELDS", "QUEUE_FILTERS", "QUEUE_PAGE_SIZE", "ROUND_FIELDS", "QueuePage",
    "ApplicationData", "BudgetExceeded", "Figures",
    "FIGURE_KEYS", "bank", "batches",
    "GrantError", "answer_question", "area_name", "ask_question", "audit_log", "can_apply", "can_decide",
    "can_view", "create_round", "dashboard", "days_left", "decide", "districts_of", "export_for", "gemeente",
    "gemeente_brief",
    "gemeenten_with_rounds", "helper_gemeenten", "initiative_panel", "is_applicant_side", "is_helper",
    "is_initiative_owner", "is_staff", "local_today", "lock_application", "lock_round", "my_applications",
    "open_application_for", "open_rounds", "owned_initiatives", "public_overview", "queue", "queue_page",
    "receipts_needed",
    "record_payout", "record_refund", "report_of", "revoke", "round_covers", "round_state", "round_totals",
    "rounds_of",
    "save_draft", "staff_gemeenten", "submit", "submit_errors", "submit_report", "thread", "update_round",
    "utcnow", "withdraw",
]
