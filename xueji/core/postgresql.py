"""Migration steps that only PostgreSQL takes (trigram and expression indexes, built CONCURRENTLY): SQLite keeps
working without them, more slowly."""


def on_postgresql(*statements: str):
    """A RunPython function executing `statements` in order on PostgreSQL and doing nothing elsewhere."""

    def run(apps, schema_editor):
        if schema_editor.connection.vendor != "postgresql":
            return
        with schema_editor.connection.cursor() as cursor:
            for sql in statements:
                cursor.execute(sql)

    return run
