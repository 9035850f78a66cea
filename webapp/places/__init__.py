"""Ontmoetingsplekken: meeting places with accessibility and safety attributes.

Importing the package registers "place" as a stewardship subject (`subject.py`).
"""
from webapp.places import subject  # noqa: F401  (registers the subject type)
