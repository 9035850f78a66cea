"""Mail through an outbox table: `queue_mail(...)` in the same transaction as the change it reports."""
