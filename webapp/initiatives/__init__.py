"""Buurtinitiatieven: neighbourhood initiatives and their activities.

Importing the package registers "initiative" with stewardship (`subject.py`).
"""
from webapp.initiatives import subject  # noqa: F401  (registers the subject type)
