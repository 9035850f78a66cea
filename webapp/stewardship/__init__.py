"""Co-beheer for any registered subject type: co-owners, revisions, suggestions, join requests, reports and
moderation.

Stewardship knows no subject model. Each subject domain (places, initiatives) registers itself with
`registry.register(SubjectType(...))` when its package is imported; stewardship looks everything up there
and announces each recorded revision with `signals.revision_recorded`.
"""
