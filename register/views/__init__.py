"""HTML pages: thin, calling selectors and services."""
