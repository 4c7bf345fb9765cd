"""Helpers every app uses (live events, notices, emails, page cache, Redis, logging, forms).
They import no Hearth app; the apps import them; hearth/ itself is the project wiring."""
