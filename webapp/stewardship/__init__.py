"""Co-beheer shared by places and initiatives: owners, revisions (and, later, suggestions, reports).

A "subject" is a Place or an Initiative. Both get the same rules from here, so initiatives reuse
the places code instead of copying it.
"""
