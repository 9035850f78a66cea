"""Gemeenten and districts: boundaries, CBS key figures, and which gemeente a point lies in."""
