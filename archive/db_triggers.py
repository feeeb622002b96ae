"""What the tables kept by database triggers share: the PostgreSQL function a trigger runs, and the
installation after every `migrate` (SQLite drops a table's triggers when a migration remakes it)."""

from django.db import connection, connections


def plpgsql_function(name, statements, returns="NULL"):
    """CREATE OR REPLACE of a trigger function running `statements` in turn."""
    body = "".join(f"{statement};\n" for statement in statements)
    return (f"CREATE OR REPLACE FUNCTION {name}() RETURNS trigger LANGUAGE plpgsql AS $$\n"
            f"BEGIN\n{body}RETURN {returns};\nEND $$")


def install_where(table, sqlite_statements, postgres_statements, using_connection=None):
    """Run the vendor's statements once `table` exists (before its migration, nothing to keep)."""
    target = using_connection or connection
    if table not in target.introspection.table_names():
        return
    with target.cursor() as cursor:
        for statement in postgres_statements() if target.vendor == "postgresql" else sqlite_statements():
            cursor.execute(statement)


def after_migrate(install):
    """A post_migrate receiver that runs `install` on the migrated database."""
    def installed_after_migrate(sender, using, **kwargs):
        install(connections[using])

    return installed_after_migrate
