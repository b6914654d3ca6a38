"""End-to-end tests in a real browser, and accessibility and HTML checks of the public pages."""
