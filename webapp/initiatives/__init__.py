"""Buurtinitiatieven: neighbourhood initiatives and their activities."""
