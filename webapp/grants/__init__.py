"""Startbijdragen: small seed grants from the gemeente (rounds, applications, decisions, payouts)."""
