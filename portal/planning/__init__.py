"""Pages for agenda planners: themed summaries and exports; theme editing for admins."""
