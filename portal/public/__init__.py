"""Pages for the public: pillars, comment periods, the comment form and receipts."""
