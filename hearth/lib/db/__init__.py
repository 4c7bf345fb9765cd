"""Database helpers that work on every backend Hearth runs on."""


def prepared_cursor(connection):
    """A cursor whose statements PostgreSQL prepares (planned once per connection: Hearth's
    backend, hearth/lib/db/postgresql/), or the usual cursor elsewhere (SQLite's module keeps
    its own statement cache)."""
    make = getattr(connection, "prepared_cursor", None)
    return make() if make is not None else connection.cursor()
