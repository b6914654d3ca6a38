"""Pages for moderators: the queue, the review page, bulk decisions, campaigns."""
