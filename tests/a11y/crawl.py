"""Find every HTML page of the app from its URL map, and fill in the URL arguments.

How a rule becomes a page to check:
1. Rules without GET, and paths that are clearly not pages (/api/, /static/, /vendor/, feeds and files by
   extension) are left out. Everything else is a candidate page.
2. Each URL argument is filled from RESOLVERS, looked up as (endpoint, argument), then (blueprint,
   argument), then the argument name alone; `any(...)` arguments take their first choice. Values come from
   the demo data (`webapp.demo.load_all()`), looked up in `World` (a published place in Amsterdam, its
   initiative, a grant round, an application ...).
3. A rule that cannot be filled FAILS the crawl, naming the endpoint, unless it is listed in SKIP with the
   reason. So a new page is checked as soon as it exists, or someone decides consciously it is not a page.
4. The page is then opened (Flask test client) as each kind of user in KINDS order until one gets a 200
   HTML answer: that kind visits it in the browser. A 200 answer that is not HTML (a download, a feed)
   means the rule is not a page.
"""
from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, field
from functools import cached_property

import sqlalchemy as sa
from werkzeug.routing import AnyConverter, Rule

from webapp.extensions import db

# Paths that are never pages. Anything else with GET is a candidate.
NOT_PAGES = re.compile(r"^/(api|static|vendor)/"
                       r"|\.(ics|csv|json|geojson|svg|xml|png|jpe?g|webp|pdf|txt|js|zip|webmanifest)$")

# Rules that are not checked, each with the reason. Keep this list short: a page listed here is not
# checked for accessibility at all.
SKIP: dict[str, str] = {
    "core.healthz": "JSON health check for the load balancer, not a page",
    "core.service_worker": "the service worker script (tests/test_pwa.py)",
    "grants.report_image": "an uploaded image (report photo or receipts), not a page",
    "grants.batch_file": "a SEPA XML file for the bank (tests/grants/test_batches.py), not a page",
}

# The kinds of user, in the order they are tried: a page is visited as the first kind that may open it.
KINDS = ["anonymous", "resident", "place_owner", "initiative_owner", "applicant", "helper", "moderator",
         "staff", "admin"]

# Pages that show more to some users: visited as these kinds as well (when the kind may open them).
EXTRA_KINDS: dict[str, list[str]] = {
    "core.home": ["resident"],
    "places.detail": ["place_owner", "moderator"],  # owner panel, moderation actions
    "initiatives.detail": ["initiative_owner"],
    "grants.application_page": ["staff"],  # the applicant's view and the assessor's view
}

# Query strings for pages that need one (e.g. search results); each entry adds a URL to check.
EXTRA_QUERIES: dict[str, list[dict]] = {
    "places.search": [{"gemeente": "GM0363"}, {"gemeente": "GM0363", "view": "kaart"},
                      {"lat": "52.37020", "lon": "4.89520", "radius": "1000", "free": "1"}],
}

# Query strings a page cannot do without (the URL is checked with it, not without it).
QUERY: dict[str, Callable[[World], dict]] = {
    "grants.apply": lambda w: {"initiatief": w.initiative_to_apply},
}

# Whole sets of URL values for endpoints whose arguments depend on each other (e.g. a subject type and
# its id): one URL per dict. Takes precedence over RESOLVERS.
URL_VALUES: dict[str, Callable[[World], list[dict]]] = {}

# Pages that answer with an error page (4xx) for every kind on purpose (still checked, as error pages).
ERROR_EXPECTED: dict[str, str] = {
    "accounts.confirm_email_change": "the link confirms on GET and redirects; what is left to see is the "
                                     "'link already used or expired' page (400), checked here",
}


@dataclass
class World:
    """Ids from the demo data, looked up once. None when a table or a row does not exist (yet)."""

    gemeente: str = "GM0363"
    users: dict = field(default_factory=dict)  # kind -> (User, password), filled by the test
    # Which demo data this is: the same value when it is the same rows (copied back from one load), None when
    # it is not known (loaded over other rows). Pages found on the same data are reused (test_every_page.py).
    demo_key: int | None = None

    def _scalar(self, sql: str, **params):
        try:
            with db.session.begin_nested():
                return db.session.execute(sa.text(sql), {"g": self.gemeente, **params}).scalar()
        except sa.exc.ProgrammingError:  # the table or column does not exist (yet)
            return None

    @cached_property
    def place(self):
        return self._scalar(
            "select p.id from places p where p.status = 'published' and not p.hidden and p.gemeente_code = :g "
            "order by exists(select 1 from place_owners o where o.place_id = p.id) desc, p.id limit 1")

    @cached_property
    def proposed_place(self):
        return self._scalar("select id from places where status = 'proposed' and gemeente_code = :g "
                            "order by id limit 1")

    @cached_property
    def initiative(self):
        return self._scalar(
            "select i.id from initiatives i where i.status = 'active' and not i.hidden and i.gemeente_code = :g "
            "order by exists(select 1 from initiative_owners o where o.initiative_id = i.id) desc, "
            "exists(select 1 from initiative_activities a where a.initiative_id = i.id) desc, i.id limit 1")

    @cached_property
    def activity(self):
        return self._scalar("select id from initiative_activities where initiative_id = :i order by id limit 1",
                            i=self.initiative) or self._scalar("select min(id) from initiative_activities")

    @cached_property
    def round(self):
        return self._scalar(
            "select id from grant_rounds where gemeente_code = :g "
            "order by (opens_on <= current_date and current_date <= closes_on) desc, id limit 1")

    @cached_property
    def application(self):
        return self._scalar(
            "select a.id from grant_applications a join grant_rounds r on r.id = a.round_id "
            "where r.gemeente_code = :g "
            "order by (a.status = 'submitted') desc, (a.created_by_id is null), a.id limit 1")

    @cached_property
    def initiative_to_apply(self):
        """An initiative with owners and no open application in `round` (so the form is shown)."""
        return self._scalar(
            "select i.id from initiatives i where i.gemeente_code = :g and i.status = 'active' and not i.hidden "
            "and exists(select 1 from initiative_owners o where o.initiative_id = i.id) "
            "and not exists(select 1 from grant_applications a where a.initiative_id = i.id and a.round_id = :r "
            "and a.status in ('draft', 'submitted', 'provisional')) order by (i.id = :i) desc, i.id limit 1",
            r=self.round, i=self.initiative)

    @cached_property
    def report(self):
        return self._scalar("select id from reports where status = 'open' order by id limit 1")

    @cached_property
    def suggestion(self):
        return self._scalar("select id from suggestions where status = 'open' order by id limit 1")

    @cached_property
    def join_request(self):
        return self._scalar("select id from join_requests where status = 'open' order by id limit 1")

    @cached_property
    def revision(self):
        return self._scalar("select max(id) from revisions")

    @cached_property
    def district(self):
        return self._scalar("select min(id) from districts where gemeente_code = :g")

    @cached_property
    def place_owner_id(self):
        return self._scalar("select user_id from place_owners where place_id = :p order by since limit 1", p=self.place)

    @cached_property
    def initiative_owner_id(self):
        return self._scalar("select user_id from initiative_owners where initiative_id = :i order by since limit 1",
                            i=self.initiative)

    @cached_property
    def applicant_id(self):
        return self._scalar("select created_by_id from grant_applications where id = :a", a=self.application)

    def user(self, kind: str):
        pair = self.users.get(kind)
        return pair[0] if pair else None


def _accounts_token(kind: str) -> Callable[[World], str | None]:
    def make(world: World):
        from webapp.accounts import services

        user = world.user("resident")
        if user is None:
            return None
        return services.confirmation_token(user) if kind == "confirm" else services.reset_token(user)

    return make


def _email_token(kind: str) -> Callable[[World], str | None]:
    """Links from the e-mail change mails, for a user of their own (following them may change the address)."""
    def make(world: World):
        from webapp.accounts import services

        user = services.create_user(f"adres.{kind}@example.test", "een-lang-wachtwoord", "Adres Wijzigen")
        db.session.commit()
        if kind == "change":
            return services.email_change_token(user, "nieuw.adres@example.test")
        return services.make_token("email-undo", {"u": user.id, "e": "oud.adres@example.test",
                                                  "n": services._email_fingerprint(user.email)})

    return make


# Argument values. Keys: (endpoint, argument), (blueprint, argument) or the argument name alone.
RESOLVERS: dict[object, Callable[[World], object]] = {
    # by argument name, for any blueprint
    "place_id": lambda w: w.place,
    "initiative_id": lambda w: w.initiative,
    "activity_id": lambda w: w.activity,
    "round_id": lambda w: w.round,
    "application_id": lambda w: w.application,
    "batch_id": lambda w: w._scalar("select min(id) from grant_payment_batches where gemeente_code = :g"),
    "report_id": lambda w: w.report,
    "suggestion_id": lambda w: w.suggestion,
    "join_request_id": lambda w: w.join_request,
    "revision_id": lambda w: w.revision,
    "district_id": lambda w: w.district,
    "user_id": lambda w: w.user("resident").id if w.user("resident") else None,
    "gemeente": lambda w: w.gemeente,
    "gemeente_code": lambda w: w.gemeente,
    # a place or an initiative, named by the subject_type argument before it (stewardship)
    "subject_id": lambda w, v: {"place": w.place, "plek": w.place, "initiative": w.initiative,
                                "initiatief": w.initiative}.get(v.get("subject_type") or v.get("kind")),
    ("grants", "code"): lambda w: w.gemeente,
    ("insight", "gemeente_code"): lambda w: "GM0344",  # Utrecht: its buurten are loaded
    # a bare `id` in a domain's blueprint means that domain's main object
    ("places", "id"): lambda w: w.place,
    ("initiatives", "id"): lambda w: w.initiative,
    # signed links from mails
    ("accounts.confirm_email", "token"): _accounts_token("confirm"),
    ("accounts.reset_password", "token"): _accounts_token("reset"),
    ("accounts.confirm_email_change", "token"): _email_token("change"),
    ("accounts.undo_email_change", "token"): _email_token("undo"),
}


class Unresolved(Exception):
    pass


def is_candidate(rule: Rule) -> bool:
    return "GET" in (rule.methods or set()) and not NOT_PAGES.search(rule.rule) and rule.endpoint != "static"


def resolve_all(rule: Rule, world: World) -> list[dict]:
    """Every set of values to check `rule` with: one per choice of each `any(...)` argument."""
    if rule.endpoint in URL_VALUES:
        sets = [v for v in URL_VALUES[rule.endpoint](world) if v and all(x is not None for x in v.values())]
        if not sets:
            raise Unresolved(f"{rule.endpoint} ({rule.rule}): URL_VALUES found no data in the demo")
        return sets
    names = [n for n in sorted(rule.arguments) if n not in (rule.defaults or {})]
    choices = [{}]
    for name in names:
        converter = rule._converters.get(name)
        if isinstance(converter, AnyConverter):
            choices = [{**c, name: item} for c in choices for item in sorted(converter.items)]
    return [resolve(rule, world, fixed) for fixed in choices]


def resolve(rule: Rule, world: World, fixed: dict | None = None) -> dict:
    """Values for every argument of `rule`, or Unresolved naming the ones that could not be filled.

    A resolver takes the world, or the world and the values found so far (e.g. `subject_id` depends
    on `subject_type`)."""
    blueprint = rule.endpoint.rsplit(".", 1)[0] if "." in rule.endpoint else ""
    values, missing = dict(fixed or {}), []
    for name in sorted(rule.arguments):
        if name in (rule.defaults or {}) or name in values:
            continue
        resolver = RESOLVERS.get((rule.endpoint, name)) or RESOLVERS.get((blueprint, name)) or RESOLVERS.get(name)
        value = None
        if resolver is not None:
            value = resolver(world, values) if resolver.__code__.co_argcount == 2 else resolver(world)
        if value is None:
            missing.append(name)
        else:
            values[name] = value
    if missing:
        raise Unresolved(
            f"{rule.endpoint} ({rule.rule}): no value for {', '.join(missing)}. Add it to RESOLVERS in "
            f"tests/a11y/crawl.py (or, if it is not a page, to SKIP with the reason)")
    return values


def candidate_rules(app) -> list[Rule]:
    rules = [r for r in app.url_map.iter_rules() if is_candidate(r) and r.endpoint not in SKIP]
    return sorted(rules, key=lambda r: (r.endpoint, r.rule))
