"""Democratic Services' pages: the council's people, groups, directorates, posts and absences, leavers,
elections and imports (issue 17). One module per part; ``register/urls.py`` names their addresses."""
