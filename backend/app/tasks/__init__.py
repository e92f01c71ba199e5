"""The one feature, whole: the task routes, their queries, models, preconditions (ETags) and Idempotency-Key."""
