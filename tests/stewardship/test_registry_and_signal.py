"""Stewardship knows subjects only through the registry, and announces every revision it records."""
from __future__ import annotations

import ast
from pathlib import Path

import pytest

from webapp.extensions import db
from webapp.places.models import Place
from webapp.stewardship import registry, services, signals
from webapp.stewardship.models import Revision

STEWARDSHIP = Path(__file__).resolve().parents[2] / "webapp" / "stewardship"
# Not yet moved: the place form (stewardship/forms.py) still imports the places' attribute vocabulary.
NOT_YET_MOVED: set[str] = set()


def test_places_registers_itself_as_a_subject():
    kind = registry.by_name("place")
    assert kind is not None and kind.model is Place and kind.owner_fk == "place_id"
    assert "hearing_loop" in kind.editable_fields and "status" not in kind.editable_fields
    assert registry.of(Place(name="x")) is kind


@pytest.mark.parametrize("path", sorted(p for p in STEWARDSHIP.rglob("*.py") if p.name not in NOT_YET_MOVED),
                         ids=lambda p: str(p.relative_to(STEWARDSHIP)))
def test_stewardship_imports_no_subject_domain(path):
    tree = ast.parse(path.read_text(encoding="utf-8"))
    imported = [node.module for node in ast.walk(tree) if isinstance(node, ast.ImportFrom) and node.module]
    imported += [alias.name for node in ast.walk(tree) if isinstance(node, ast.Import) for alias in node.names]
    assert not [m for m in imported if m.startswith(("webapp.places", "webapp.initiatives"))]


@pytest.fixture
def received():
    calls = []

    def receiver(sender, **kwargs):
        # Sent after the revision was added to the session: it is pending there, not yet committed.
        calls.append((sender, kwargs, kwargs["revision"] in db.session.new))

    signals.revision_recorded.connect(receiver)
    yield calls
    signals.revision_recorded.disconnect(receiver)


def test_edit_suggestion_revert_and_confirm_each_send_revision_recorded(received, make_place, make_user, mod_ams):
    owner, neighbour = make_user("Eigenaar"), make_user("Buur")
    place = make_place(owner=owner)
    services.edit_subject(owner, place, {"hearing_loop": "yes"}, place.version)
    suggestion = services.suggest_edit(neighbour, place, {"seating": "yes"})
    services.decide_suggestion(owner, suggestion, accept=True)
    services.confirm_attributes(owner, place)
    first = services.history(place)[-1]
    services.revert_to(mod_ams, place, first, place.version)
    kinds = [(sender, kwargs["revision"].kind) for sender, kwargs, _pending in received]
    assert kinds == [("place", "edit"), ("place", "suggestion"), ("place", "confirm"), ("place", "revert")]
    assert all(pending for _sender, _kwargs, pending in received)
    assert all(kwargs["subject"] is place for _sender, kwargs, _pending in received)
    suggestion_call = received[1][1]
    assert suggestion_call["actor"] is owner and suggestion_call["revision"].user_id == neighbour.id
    assert received[3][1]["actor"] is mod_ams
    db.session.commit()
    assert db.session.query(Revision).filter_by(subject_type="place", subject_id=place.id).count() == 4
