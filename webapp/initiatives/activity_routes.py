"""Thin controllers for an initiative's activities: add, edit, delete, cancel or restore one date."""
from __future__ import annotations

from datetime import date

from flask import abort, flash, redirect, render_template, request, url_for
from flask.typing import ResponseReturnValue
from flask_babel import gettext as _
from flask_login import current_user, login_required

from webapp.domain_errors import DomainError, Invalid, NotFound
from webapp.extensions import db
from webapp.initiatives import clock, helpers, services
from webapp.initiatives.forms import ActivityForm, CancelForm, SimpleForm
from webapp.initiatives.models import Activity, Initiative
from webapp.initiatives.routes import detail_url, editable_initiative, form_page, require_action_form
from webapp.transactions import commit_or_show


def _activity(initiative: Initiative, activity_id: int) -> Activity:
    activity = db.session.get(Activity, activity_id)
    if activity is None or activity.initiative_id != initiative.id:
        raise NotFound()
    return activity


def _activity_form(initiative: Initiative, activity: Activity | None = None) -> ActivityForm:
    form = ActivityForm(obj=activity if request.method == "GET" else None)
    choices = [(p.id, p.name) for p in initiative.places]
    if initiative.location_name:
        choices.append((0, initiative.location_name))
    form.place_id.choices = choices or [(0, _("Nog geen plek gekozen"))]
    if request.method == "GET" and activity is not None:
        form.place_id.data = activity.place_id or 0
        form.month_week.data = activity.month_week or 0
    return form


def _activity_values(form: ActivityForm) -> dict:
    return {"title": form.title.data, "place_id": form.place_id.data or None, "starts_on": form.starts_on.data,
            "start_time": form.start_time.data, "end_time": form.end_time.data, "frequency": form.frequency.data,
            "month_week": form.month_week.data or None, "ends_on": form.ends_on.data}


@login_required
def add_activity(initiative_id: int) -> ResponseReturnValue:
    initiative = editable_initiative(initiative_id)
    form = _activity_form(initiative)

    def show(status: int = 200) -> ResponseReturnValue:
        return render_template("initiatives/activity_form.html", form=form, initiative=initiative,
                               activity=None), status

    return form_page(
        form, show, lambda: services.add_activity(initiative, current_user, _activity_values(form), clock.utcnow()),
        then=detail_url(initiative), success=_("De activiteit is toegevoegd."))


@login_required
def edit_activity(initiative_id: int, activity_id: int) -> ResponseReturnValue:
    initiative = editable_initiative(initiative_id)
    activity = _activity(initiative, activity_id)
    form = _activity_form(initiative, activity)

    def show(status: int = 200) -> ResponseReturnValue:
        now = clock.utcnow()
        dates = services.next_instances([activity], now, limit=12)
        cancel_form = CancelForm()
        cancel_form.on_date.choices = [(i.local_date.isoformat(), helpers.short_date(i.local_date))
                                       for i in dates if not i.cancelled]
        return render_template("initiatives/activity_form.html", form=form, initiative=initiative,
                               activity=activity, cancel_form=cancel_form, action_form=SimpleForm(),
                               cancelled=[c for c in activity.cancellations if c.on_date >= now.date()]), status

    return form_page(
        form, show, lambda: services.update_activity(activity, current_user, _activity_values(form), clock.utcnow()),
        then=detail_url(initiative), success=_("De activiteit is aangepast."))


@login_required
def delete_activity(initiative_id: int, activity_id: int) -> ResponseReturnValue:
    initiative = editable_initiative(initiative_id)
    activity = _activity(initiative, activity_id)
    require_action_form()
    return commit_or_show(lambda: services.delete_activity(activity, current_user, clock.utcnow()),
                          then=detail_url(initiative), success=_("De activiteit is verwijderd."))


def _parse_date(value: str) -> date | None:
    try:
        return date.fromisoformat(value or "")
    except ValueError:
        return None


def _edit_activity_url(initiative: Initiative, activity: Activity) -> str:
    return url_for("initiatives.edit_activity", initiative_id=initiative.id, activity_id=activity.id)


@login_required
def cancel_date(initiative_id: int, activity_id: int) -> ResponseReturnValue:
    initiative = editable_initiative(initiative_id)
    activity = _activity(initiative, activity_id)
    form = CancelForm()
    on_date = _parse_date(request.form.get("on_date", ""))
    form.on_date.choices = [(request.form.get("on_date", ""), "")]
    if not form.validate_on_submit() or on_date is None:  # not what the page sends: a 400 that says why
        errors = [str(e) for name, errs in form.errors.items() if name != "on_date" for e in errs]
        message = errors[0] if errors and on_date is not None else _("Kies een datum die niet doorgaat.")
        raise Invalid(message)

    def show_again(exc: DomainError) -> ResponseReturnValue:
        flash(exc.message, "error")
        return redirect(_edit_activity_url(initiative, activity))

    return commit_or_show(
        lambda: services.cancel_date(activity, current_user, on_date, form.reason.data or "", clock.utcnow()),
        then=detail_url(initiative), show_again=show_again,
        success=_("%(date)s gaat niet door. Dat staat nu op de pagina.", date=helpers.short_date(on_date)))


@login_required
def restore_date(initiative_id: int, activity_id: int) -> ResponseReturnValue:
    initiative = editable_initiative(initiative_id)
    activity = _activity(initiative, activity_id)
    on_date = _parse_date(request.form.get("on_date", ""))
    if not SimpleForm().validate_on_submit() or on_date is None:
        abort(400)
    return commit_or_show(lambda: services.restore_date(activity, current_user, on_date, clock.utcnow()),
                          then=_edit_activity_url(initiative, activity),
                          success=_("%(date)s gaat toch door.", date=helpers.short_date(on_date)))


