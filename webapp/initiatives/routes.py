"""Thin controllers for the initiatives pages: parse, call the service, render or redirect."""
from __future__ import annotations

from datetime import date, timedelta

from flask import abort, flash, make_response, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required

from webapp.converters import parse_ids
from webapp.extensions import db, limiter
from webapp.initiatives import helpers, services
from webapp.initiatives.forms import (ActivityForm, CancelForm, ContactForm, InitiativeForm, ParticipateForm,
                                      SimpleForm)
from webapp.initiatives.models import Activity, Initiative
from webapp.initiatives.search import SearchError, parse_search
from webapp.places.models import Place
from webapp.stewardship import services as stewardship
from webapp.stewardship.services import EditConflict
from webapp.urls import absolute_path, absolute_url


def _initiative(initiative_id: int) -> Initiative:
    initiative = services.get_visible(initiative_id, current_user)
    if initiative is None:
        abort(404)
    return initiative


def _editable(initiative_id: int) -> Initiative:
    initiative = _initiative(initiative_id)
    if not stewardship.can_edit(current_user, initiative):
        abort(403)
    return initiative


def _activity(initiative: Initiative, activity_id: int) -> Activity:
    activity = db.session.get(Activity, activity_id)
    if activity is None or activity.initiative_id != initiative.id:
        abort(404)
    return activity


def _field_error(form, error: services.InitiativeError) -> None:
    target = getattr(form, error.field, None) if error.field else None
    if target is None:
        target = next(iter(form))
    target.errors = list(target.errors) + [error.message]


# --- the initiative ------------------------------------------------------------------------

def detail(initiative_id: int):
    initiative = _initiative(initiative_id)
    now = services.utcnow()
    may_edit = stewardship.can_edit(current_user, initiative)
    return render_template(
        "initiatives/detail.html", initiative=initiative, subject=initiative, may_edit=may_edit,
        upcoming=services.upcoming(initiative, now, limit=8),
        is_owner=stewardship.is_owner(current_user, initiative), stale_since=services.stale_since(initiative, now),
        participation=services.participation_of(initiative, current_user),
        participant_count=len(services.participants(initiative, current_user)) if may_edit else None,
        owners=stewardship.owners_of(initiative), action_form=SimpleForm(),
        coords=services.coordinates(initiative))


def _place_choices(form: InitiativeForm, initiative: Initiative | None):
    """Chosen places stay checked; a name search adds candidates (works without JavaScript)."""
    if request.method == "POST":
        chosen_ids = parse_ids(request.form.getlist("place_ids"))
    else:
        chosen_ids = [p.id for p in initiative.places] if initiative else []
    chosen = services.places_by_ids(chosen_ids)
    found = services.search_places(form.place_query.data or "") if form.place_query.data else []
    choices, seen = [], set()
    for place in chosen + found:
        if place.id in seen:
            continue
        seen.add(place.id)
        label = place.name + (f" ({place.address})" if place.address else "")
        choices.append((place.id, label))
    form.place_ids.choices = choices
    if request.method == "GET":
        form.place_ids.data = chosen_ids
    return found


def _values(form: InitiativeForm) -> dict:
    return {"title": form.title.data, "summary": form.summary.data, "description": form.description.data,
            "themes": form.themes.data, "audience": form.audience.data, "languages": form.languages.data,
            "cost": form.cost.data, "cost_note": form.cost_note.data, "status": form.status.data,
            "volunteer_roles": form.roles_list(), "location_name": form.location_name.data}


@login_required
def create():
    form = InitiativeForm()
    found = _place_choices(form, None)
    searching = request.form.get("action") == "search_place"
    if request.method == "POST" and not searching and form.validate_on_submit():
        try:
            initiative = services.create_initiative(current_user, _values(form), form.place_ids.data,
                                                    form.own_location())
        except services.InitiativeError as exc:
            db.session.rollback()
            _field_error(form, exc)
        else:
            db.session.commit()
            flash(_("Uw initiatief staat op Buurtplek. Voeg nu de eerste activiteit toe."), "success")
            return redirect(url_for("initiatives.add_activity", initiative_id=initiative.id))
    status = 400 if form.errors and not searching else 200
    return render_template("initiatives/form.html", form=form, initiative=None, found=found,
                           searched=searching), status


@login_required
def edit(initiative_id: int):
    initiative = _editable(initiative_id)
    coords = services.coordinates(initiative) if initiative.location_name else None
    form = InitiativeForm(obj=initiative if request.method == "GET" else None)
    if request.method == "GET":
        form.volunteer_roles.data = "\n".join(initiative.volunteer_roles)
        form.version.data = str(initiative.version)
        if coords:
            form.lon.data, form.lat.data = round(coords[0], 6), round(coords[1], 6)
    found = _place_choices(form, initiative)
    searching = request.form.get("action") == "search_place"
    conflict = None
    status = 200
    if request.method == "POST" and not searching and form.validate_on_submit():
        try:
            expected = int(form.version.data or 0)
            services.update_initiative(initiative, current_user, _values(form), expected, form.place_ids.data,
                                       form.own_location())
        except EditConflict as exc:
            db.session.rollback()
            conflict = exc.changed
            form.version.data = str(exc.current_version)
            status = 409
        except services.InitiativeError as exc:
            db.session.rollback()
            _field_error(form, exc)
        else:
            db.session.commit()
            flash(_("De wijzigingen zijn opgeslagen."), "success")
            return redirect(url_for("initiatives.detail", initiative_id=initiative.id))
    if form.errors and not searching:
        status = 400
    return render_template("initiatives/form.html", form=form, initiative=initiative, found=found,
                           searched=searching, conflict=conflict), status


@login_required
def confirm_current(initiative_id: int):
    initiative = _editable(initiative_id)
    if not SimpleForm().validate_on_submit():
        abort(400)
    services.confirm_current(initiative, current_user)
    db.session.commit()
    flash(_("Dank u. We hebben genoteerd dat alles nog klopt."), "success")
    return redirect(url_for("initiatives.detail", initiative_id=initiative.id))


@login_required
def undo_pause(initiative_id: int):
    initiative = _editable(initiative_id)
    if not SimpleForm().validate_on_submit():
        abort(400)
    try:
        services.undo_auto_pause(initiative, current_user)
    except (services.InitiativeError, EditConflict):
        db.session.rollback()
        flash(_("Dit initiatief is niet automatisch gepauzeerd."), "error")
    else:
        db.session.commit()
        flash(_("Het initiatief staat weer aan."), "success")
    return redirect(url_for("initiatives.detail", initiative_id=initiative.id))


# --- activities ----------------------------------------------------------------------------

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
def add_activity(initiative_id: int):
    initiative = _editable(initiative_id)
    form = _activity_form(initiative)
    if form.validate_on_submit():
        try:
            services.add_activity(initiative, current_user, _activity_values(form))
        except services.InitiativeError as exc:
            db.session.rollback()
            _field_error(form, exc)
        else:
            db.session.commit()
            flash(_("De activiteit is toegevoegd."), "success")
            return redirect(url_for("initiatives.detail", initiative_id=initiative.id))
    return render_template("initiatives/activity_form.html", form=form, initiative=initiative,
                           activity=None), 400 if form.errors else 200


@login_required
def edit_activity(initiative_id: int, activity_id: int):
    initiative = _editable(initiative_id)
    activity = _activity(initiative, activity_id)
    form = _activity_form(initiative, activity)
    if form.validate_on_submit():
        try:
            services.update_activity(activity, current_user, _activity_values(form))
        except services.InitiativeError as exc:
            db.session.rollback()
            _field_error(form, exc)
        else:
            db.session.commit()
            flash(_("De activiteit is aangepast."), "success")
            return redirect(url_for("initiatives.detail", initiative_id=initiative.id))
    now = services.utcnow()
    dates = [i for i in services.next_instances([activity], now, limit=12)]
    cancel_form = CancelForm()
    cancel_form.on_date.choices = [(i.local_date.isoformat(), helpers.short_date(i.local_date))
                                   for i in dates if not i.cancelled]
    return render_template("initiatives/activity_form.html", form=form, initiative=initiative, activity=activity,
                           cancel_form=cancel_form, action_form=SimpleForm(),
                           cancelled=[c for c in activity.cancellations if c.on_date >= now.date()]), \
        400 if form.errors else 200


@login_required
def delete_activity(initiative_id: int, activity_id: int):
    initiative = _editable(initiative_id)
    activity = _activity(initiative, activity_id)
    if not SimpleForm().validate_on_submit():
        abort(400)
    services.delete_activity(activity, current_user)
    db.session.commit()
    flash(_("De activiteit is verwijderd."), "success")
    return redirect(url_for("initiatives.detail", initiative_id=initiative.id))


def _parse_date(value: str) -> date | None:
    try:
        return date.fromisoformat(value or "")
    except ValueError:
        return None


@login_required
def cancel_date(initiative_id: int, activity_id: int):
    initiative = _editable(initiative_id)
    activity = _activity(initiative, activity_id)
    form = CancelForm()
    on_date = _parse_date(request.form.get("on_date", ""))
    form.on_date.choices = [(request.form.get("on_date", ""), "")]
    if not form.validate_on_submit() or on_date is None:  # not what the page sends: a 400 that says why
        errors = [str(e) for name, errs in form.errors.items() if name != "on_date" for e in errs]
        message = errors[0] if errors and on_date is not None else _("Kies een datum die niet doorgaat.")
        return render_template("errors/400.html", status=400, message=message), 400
    try:
        services.cancel_date(activity, current_user, on_date, form.reason.data or "")
    except services.InitiativeError as exc:
        db.session.rollback()
        flash(exc.message, "error")
        return redirect(url_for("initiatives.edit_activity", initiative_id=initiative.id, activity_id=activity.id))
    db.session.commit()
    flash(_("%(date)s gaat niet door. Dat staat nu op de pagina.", date=helpers.short_date(on_date)), "success")
    return redirect(url_for("initiatives.detail", initiative_id=initiative.id))


@login_required
def restore_date(initiative_id: int, activity_id: int):
    initiative = _editable(initiative_id)
    activity = _activity(initiative, activity_id)
    on_date = _parse_date(request.form.get("on_date", ""))
    if not SimpleForm().validate_on_submit() or on_date is None:
        abort(400)
    services.restore_date(activity, current_user, on_date)
    db.session.commit()
    flash(_("%(date)s gaat toch door.", date=helpers.short_date(on_date)), "success")
    return redirect(url_for("initiatives.edit_activity", initiative_id=initiative.id, activity_id=activity.id))


# --- doe mee, contact ----------------------------------------------------------------------

@login_required
def participate(initiative_id: int):
    initiative = _initiative(initiative_id)
    existing = services.participation_of(initiative, current_user)
    form = ParticipateForm(obj=existing if request.method == "GET" else None)
    form.role.choices = [("", _("Maakt niet uit"))] + [(r, r) for r in initiative.volunteer_roles]
    if form.validate_on_submit():
        try:
            services.join(initiative, current_user, form.kind.data, form.role.data or "", form.message.data or "")
        except services.InitiativeError as exc:
            db.session.rollback()
            _field_error(form, exc)
        else:
            db.session.commit()
            flash(_("Leuk dat u meedoet! De organisatoren zien nu dat u mee wilt doen."), "success")
            return redirect(url_for("initiatives.detail", initiative_id=initiative.id))
    return render_template("initiatives/participate.html", form=form, initiative=initiative, existing=existing,
                           action_form=SimpleForm()), 400 if form.errors else 200


@login_required
def withdraw(initiative_id: int):
    initiative = _initiative(initiative_id)
    if not SimpleForm().validate_on_submit():
        abort(400)
    if services.withdraw(initiative, current_user):
        db.session.commit()
        flash(_("U doet niet meer mee. De organisatoren zien uw naam niet meer."), "success")
    return redirect(url_for("initiatives.detail", initiative_id=initiative.id))


@login_required
def participants(initiative_id: int):
    initiative = _initiative(initiative_id)
    try:
        rows = services.participants(initiative, current_user)
    except services.PermissionDenied:
        abort(403)
    return render_template("initiatives/participants.html", initiative=initiative, rows=rows)


@login_required
@limiter.limit("10 per hour", methods=["POST"])
def contact(initiative_id: int):
    initiative = _initiative(initiative_id)
    form = ContactForm()
    if form.validate_on_submit():
        try:
            services.send_contact_message(initiative, current_user, form.message.data, form.share_email.data)
        except services.InitiativeError as exc:
            db.session.rollback()
            _field_error(form, exc)
        else:
            db.session.commit()
            flash(_("Uw bericht is verstuurd naar de organisatoren."), "success")
            return redirect(url_for("initiatives.detail", initiative_id=initiative.id))
    return render_template("initiatives/contact.html", form=form, initiative=initiative), \
        400 if form.errors else 200


@login_required
def mine():
    owned, joined = services.initiatives_of_user(current_user)
    return render_template("initiatives/mine.html", owned=owned, joined=joined, action_form=SimpleForm())


# --- finding -------------------------------------------------------------------------------

def index():
    return redirect(url_for("initiatives.whats_on", **request.args.to_dict(flat=False)))


def whats_on():
    from webapp.areas.services import list_gemeenten

    try:
        search = parse_search(request.args)
    except SearchError as exc:
        return render_template("initiatives/whats_on.html", search=None, error=exc, results=[],
                               gemeenten=list_gemeenten(), args=request.args), 400
    results = []
    if search.has_point:
        results = services.whats_on(search.start, search.end, search.lon, search.lat, search.radius,
                                    search.theme, search.audience, search.free, search.access)
    return render_template("initiatives/whats_on.html", search=search, error=None, results=results,
                           gemeenten=list_gemeenten(), args=request.args)


def _ics_response(body: bytes, filename: str):
    response = make_response(body)
    response.headers["Content-Type"] = "text/calendar; charset=utf-8"
    response.headers["Content-Disposition"] = f'inline; filename="{filename}"'
    return response


def _initiative_link(initiative) -> str:
    return absolute_url("initiatives.detail", initiative_id=initiative.id)


def initiative_ics(initiative_id: int):
    initiative = _initiative(initiative_id)
    now = services.utcnow()
    from webapp.initiatives.recurrence import expand_many

    instances = expand_many(initiative.activities, now - timedelta(days=30), now + timedelta(days=365))
    body = helpers.ical_feed(initiative.title, ((i, initiative, i.activity.place) for i in instances),
                             _initiative_link)
    return _ics_response(body, f"initiatief-{initiative.id}.ics")


def whats_on_ics():
    try:
        search = parse_search(request.args, days=28)
    except SearchError as exc:
        abort(400, description=exc.message)
    if not search.has_point:
        abort(400)
    results = services.whats_on(search.start, search.end, search.lon, search.lat, search.radius, search.theme,
                                search.audience, search.free, search.access, limit=1000)
    body = helpers.ical_feed(_("Wat is er te doen? Buurtplek"),
                             ((f.instance, f.initiative, f.place) for f in results), _initiative_link)
    return _ics_response(body, "wat-is-er-te-doen.ics")


# --- posters -------------------------------------------------------------------------------

def initiative_poster(initiative_id: int):
    initiative = _initiative(initiative_id)
    link = _initiative_link(initiative)
    return render_template("initiatives/poster.html", initiative=initiative, place=None, link=link,
                           qr=helpers.qr_svg(link, _("QR-code naar de pagina op Buurtplek")),
                           dates=services.upcoming(initiative, limit=6),
                           items=None)


def place_poster(place_id: int):
    place = db.session.get(Place, place_id)
    if place is None or place.hidden or place.status != "published":
        abort(404)
    link = absolute_path(helpers.place_url(place))
    return render_template("initiatives/poster.html", initiative=None, place=place, link=link,
                           qr=helpers.qr_svg(link, _("QR-code naar de pagina op Buurtplek")),
                           dates=None, items=services.initiatives_at_place(place))
