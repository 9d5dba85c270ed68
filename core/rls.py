"""Row-level security on PostgreSQL: a second wall behind the selectors (docs/security.md).

Every table holding a person's rows gets one policy, derived from the models (never a hand-kept list): a row is
visible when one of its foreign keys to the user model names the signed-in user, when it belongs to a group the
user is a member of (``ROW_SECURITY_MEMBERSHIP``), or, for a row with no user key of its own, when the row it
belongs to (a CASCADE foreign key: a split's transaction, a message's conversation) is the user's.

Who "the user" is lives in two settings of the database session, set at the start of each request and task:
``finsight.user_id`` (one person's rows) or ``finsight.bypass = on`` (everything: management commands and
migrations, the admin, the worker's cross-user jobs, anonymous pages). With neither, the app role sees nothing.
Policies bind only a role that is neither superuser nor the tables' owner: with the setting on, the web server
and the worker switch to ``DATABASE_ROW_SECURITY_ROLE`` (``SET ROLE``) on every new connection.
"""

from __future__ import annotations

import inspect
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any, cast

from django.apps import apps
from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.db import DEFAULT_DB_ALIAS, connections, models
from django.db.backends.base.base import BaseDatabaseWrapper

USER_SETTING = "finsight.user_id"
BYPASS_SETTING = "finsight.bypass"
POLICY = "finsight_owner"
GROUPS_FUNCTION = "finsight_rls_member_groups"

# Scalar subqueries: PostgreSQL evaluates each once per statement (an InitPlan), not once per row.
ME = f"(SELECT NULLIF(current_setting('{USER_SETTING}', true), '')::bigint)"
BYPASS = f"(SELECT current_setting('{BYPASS_SETTING}', true) = 'on')"

# Management commands (manage.py marks its process) see everything as the connecting role; the web server, the
# worker and tests start each connection as the app role seeing nothing until a request or task says whose.
_operator_process = False
# Commands that serve people rather than operate on the data: they run as the app role like the web server.
SERVING_COMMANDS = frozenset({"runserver", "run_huey"})


def row_security_operator_process(argv: list[str]) -> None:
    """Called by manage.py: every command but the servers runs in see-everything mode, as the connecting role."""
    global _operator_process
    _operator_process = len(argv) < 2 or argv[1] not in SERVING_COMMANDS


def row_security_on(connection: BaseDatabaseWrapper | None = None) -> bool:
    connection = connection or connections[DEFAULT_DB_ALIAS]
    return bool(getattr(settings, "DATABASE_ROW_SECURITY", False)) and connection.vendor == "postgresql"


# --- whose rows: the session's two settings -------------------------------------------------------------------


def _mode_set(connection: BaseDatabaseWrapper, *, user_id: int | None, bypass: bool) -> None:
    with connection.cursor() as cursor:
        cursor.execute("SELECT set_config(%s, %s, false), set_config(%s, %s, false)",
                       [USER_SETTING, "" if user_id is None else str(int(user_id)),
                        BYPASS_SETTING, "on" if bypass else ""])
    connection._finsight_row_mode = (user_id, bypass)  # type: ignore[attr-defined]


def row_security_user(*, user_id: int, using: str = DEFAULT_DB_ALIAS) -> None:
    """From here on this connection sees the rows of this one person (and of their groups)."""
    connection = connections[using]
    if row_security_on(connection):
        _mode_set(connection, user_id=user_id, bypass=False)


def row_security_bypass(*, using: str = DEFAULT_DB_ALIAS) -> None:
    """From here on this connection sees everyone's rows: say so only where that is meant."""
    connection = connections[using]
    if row_security_on(connection):
        _mode_set(connection, user_id=None, bypass=True)


def row_security_reset(*, using: str = DEFAULT_DB_ALIAS) -> None:
    """Back to the process's default: see-everything for commands, nothing for the servers."""
    connection = connections[using]
    if row_security_on(connection) and connection.connection is not None:
        _mode_set(connection, user_id=None, bypass=_operator_process)


def _mode_restore(connection: BaseDatabaseWrapper, mode: tuple[int | None, bool] | None) -> None:
    if mode is None:
        row_security_reset(using=connection.alias)
    else:
        _mode_set(connection, user_id=mode[0], bypass=mode[1])


@contextmanager
def row_security_as(*, user_id: int | None = None, bypass: bool = False,
                    using: str = DEFAULT_DB_ALIAS) -> Iterator[None]:
    """One person's rows (``user_id``) or everyone's (``bypass=True``) inside the block, then as before."""
    connection = connections[using]
    if not row_security_on(connection):
        yield
        return
    connection.ensure_connection()
    before = getattr(connection, "_finsight_row_mode", None)
    _mode_set(connection, user_id=user_id, bypass=bypass and user_id is None)
    try:
        yield
    finally:
        _mode_restore(connection, before)


def connection_prepare(sender: object, connection: BaseDatabaseWrapper, **kwargs: object) -> None:
    """connection_created: the servers' connections become the app role, seeing nothing until told whose."""
    if not row_security_on(connection):
        return
    connection._finsight_row_mode = None  # type: ignore[attr-defined]
    if not _operator_process:
        role = settings.DATABASE_ROW_SECURITY_ROLE
        with connection.cursor() as cursor:
            cursor.execute("SELECT session_user = %s OR current_user = %s", [role, role])
            if not cursor.fetchone()[0]:
                cursor.execute(f"SET ROLE {connection.ops.quote_name(role)}")
    _mode_set(connection, user_id=None, bypass=_operator_process)


def request_finished_reset(sender: object, **kwargs: object) -> None:
    """request_finished (after a streamed body too): the next use of the connection starts from nothing."""
    for connection in connections.all(initialized_only=True):
        if row_security_on(connection) and connection.connection is not None:
            try:
                row_security_reset(using=connection.alias)
            except Exception:  # noqa: BLE001 - a broken connection is closed by Django next
                connection.close_if_unusable_or_obsolete()


# --- the worker: each task says whose rows it works on --------------------------------------------------------


def task_user_id(task: Any) -> int | None:
    """A task whose first parameter is ``user_id`` works for that person; any other task is a cross-user job."""
    try:
        # Huey's task class runs the decorated function from its execute()'s closure.
        func = inspect.getclosurevars(type(task).execute).nonlocals["func"]
        parameters = list(inspect.signature(func).parameters)
    except (KeyError, TypeError, ValueError):
        return None
    if not parameters or parameters[0] != "user_id":
        return None
    value = task.args[0] if task.args else task.kwargs.get("user_id")
    return int(value) if value is not None else None


def task_started(task: Any) -> None:
    """Huey pre-execute hook: a per-user task sees its person's rows; every other task, explicitly, everyone's."""
    connection = connections[DEFAULT_DB_ALIAS]
    if not row_security_on(connection):
        return
    connection.ensure_connection()
    task._finsight_row_mode_before = getattr(connection, "_finsight_row_mode", None)
    user_id = task_user_id(task)
    _mode_set(connection, user_id=user_id, bypass=user_id is None)


def task_finished(task: Any, value: object, exception: BaseException | None) -> None:
    connection = connections[DEFAULT_DB_ALIAS]
    if row_security_on(connection) and connection.connection is not None:
        _mode_restore(connection, getattr(task, "_finsight_row_mode_before", None))


# --- the policies: derived from the models, (re)applied after every migrate ------------------------------------


Key = models.ForeignKey[Any, Any]
ModelType = type[models.Model]
Seen = frozenset[ModelType]


def _fks(model: ModelType) -> list[Key]:
    return [f for f in model._meta.concrete_fields if isinstance(f, models.ForeignKey)]


def _target(key: Key) -> ModelType:
    return cast(ModelType, key.related_model)


def _membership() -> tuple[ModelType, Key, Key] | None:
    """(the group model, the membership's group key, its user key) from ROW_SECURITY_MEMBERSHIP."""
    label = getattr(settings, "ROW_SECURITY_MEMBERSHIP", "")
    if not label:
        return None
    membership = apps.get_model(label)
    user_model = apps.get_model(settings.AUTH_USER_MODEL)
    user_keys = [f for f in _fks(membership) if f.related_model is user_model]
    group_keys = [f for f in _fks(membership) if f.related_model is not user_model]
    if len(user_keys) != 1 or len(group_keys) != 1:
        raise ImproperlyConfigured(f"ROW_SECURITY_MEMBERSHIP {label} needs one key to the user and one to the group")
    return _target(group_keys[0]), group_keys[0], user_keys[0]


class _Derivation:
    def __init__(self) -> None:
        self.user_model = apps.get_model(settings.AUTH_USER_MODEL)
        membership = _membership()
        self.group_model = membership[0] if membership else None
        self.shared_when_null = set(getattr(settings, "ROW_SECURITY_SHARED_WHEN_NULL", ()))

    def user_keys(self, model: ModelType) -> list[Key]:
        return [f for f in _fks(model) if f.related_model is self.user_model]

    def owning_keys(self, model: ModelType) -> list[Key]:
        """Keys to the row this one belongs to: deleted with it, another model than itself and than the user."""
        return [f for f in _fks(model) if f.remote_field.on_delete is models.CASCADE
                and f.related_model not in (model, self.user_model)]

    def reaches_group(self, model: ModelType, seen: Seen = frozenset()) -> bool:
        if self.group_model is None or model in seen:
            return False
        if model is self.group_model or any(f.related_model is self.group_model for f in _fks(model)):
            return True
        return any(self.reaches_group(_target(f), seen | {model}) for f in self.owning_keys(model))

    def predicate(self, model: ModelType, alias: str, seen: Seen = frozenset()) -> str | None:
        """SQL true where the row is the current user's (or their group's); None: no person owns this table."""
        if model in seen:
            return None
        q = connections[DEFAULT_DB_ALIAS].ops.quote_name
        user_keys = self.user_keys(model)
        clauses = [f"{alias}.{q(f.column)} = {ME}" for f in user_keys]
        if self.group_model is not None:
            groups = f"(SELECT {GROUPS_FUNCTION}())"
            if model is self.group_model:
                clauses.append(f"{alias}.{q(model._meta.pk.column)} IN {groups}")
            clauses += [f"{alias}.{q(f.column)} IN {groups}" for f in _fks(model)
                        if f.related_model is self.group_model]
        depth = len(seen)
        for key in self.owning_keys(model):
            parent = _target(key)
            # A row with its own user key is that user's: a parent adds readers only for group rows.
            if (user_keys and not self.reaches_group(parent)) or parent is self.group_model:
                continue  # the group's own clause above already says who reads it
            inner = self.predicate(parent, f"p{depth}", seen | {model})
            if inner is not None:
                clauses.append(f"EXISTS (SELECT 1 FROM {q(parent._meta.db_table)} p{depth} WHERE "
                               f"p{depth}.{q(key.target_field.column)} = {alias}.{q(key.column)} AND ({inner}))")
        return " OR ".join(clauses) or None

    def shared_clause(self, model: ModelType, alias: str) -> str | None:
        q = connections[DEFAULT_DB_ALIAS].ops.quote_name
        nulls = [f"{alias}.{q(f.column)} IS NULL" for f in self.user_keys(model)
                 if f"{model._meta.label}.{f.name}" in self.shared_when_null]
        return " AND ".join(nulls) or None


def row_security_tables() -> dict[str, tuple[str, str]]:
    """db table -> (USING, WITH CHECK) for every table holding a person's rows, from the models as they are."""
    derivation = _Derivation()
    tables: dict[str, tuple[str, str]] = {}
    for model in apps.get_models(include_auto_created=True):
        opts = model._meta
        if not opts.managed or opts.proxy or opts.swapped or model is derivation.user_model:
            continue
        table = opts.db_table
        alias = connections[DEFAULT_DB_ALIAS].ops.quote_name(table)
        owned = derivation.predicate(model, alias)
        if owned is None:
            continue
        shared = derivation.shared_clause(model, alias)
        using = f"{BYPASS} OR {owned}" + (f" OR ({shared})" if shared else "")
        tables[table] = (using, f"{BYPASS} OR {owned}")
    return tables


def row_security_sync(connection: BaseDatabaseWrapper, *, enabled: bool | None = None) -> list[str]:
    """Idempotent: the app role, its grants and one policy per user table when on; row security off when off.

    Runs after every migrate (post_migrate), so a table a later migration adds is covered as soon as it exists.
    Returns the tables with a policy."""
    if connection.vendor != "postgresql":
        return []
    enabled = row_security_on(connection) if enabled is None else enabled
    q = connection.ops.quote_name
    tables = row_security_tables()
    with connection.cursor() as cursor:
        if not enabled:
            cursor.execute("SELECT relname FROM pg_class WHERE relrowsecurity AND relnamespace = "
                           "current_schema()::regnamespace")
            for (table,) in cursor.fetchall():
                cursor.execute(f"ALTER TABLE {q(table)} DISABLE ROW LEVEL SECURITY")
            return []
        role = settings.DATABASE_ROW_SECURITY_ROLE
        cursor.execute("SELECT rolsuper OR rolbypassrls FROM pg_roles WHERE rolname = %s", [role])
        row = cursor.fetchone()
        if row is None:
            cursor.execute(f"CREATE ROLE {q(role)} NOLOGIN NOSUPERUSER NOBYPASSRLS NOINHERIT")
        elif row[0]:
            raise ImproperlyConfigured(f"DATABASE_ROW_SECURITY_ROLE {role} is a superuser or has BYPASSRLS: "
                                       "row-level security would not bind it")
        cursor.execute("SELECT rolsuper FROM pg_roles WHERE rolname = current_user")
        if not cursor.fetchone()[0]:
            cursor.execute(f"GRANT {q(role)} TO current_user")
        cursor.execute(f"GRANT USAGE ON SCHEMA {q(_schema(cursor))} TO {q(role)}")
        cursor.execute(f"GRANT SELECT, INSERT, UPDATE, DELETE ON ALL TABLES IN SCHEMA {q(_schema(cursor))} "
                       f"TO {q(role)}")
        cursor.execute(f"GRANT USAGE, SELECT, UPDATE ON ALL SEQUENCES IN SCHEMA {q(_schema(cursor))} TO {q(role)}")
        membership = _membership()
        if membership is not None:
            model, group_key, user_key = membership
            # SECURITY DEFINER: runs as the owner, so the membership table's own policy does not recurse into it.
            cursor.execute(
                f"CREATE OR REPLACE FUNCTION {GROUPS_FUNCTION}() RETURNS SETOF bigint LANGUAGE sql STABLE "
                f"SECURITY DEFINER SET search_path = {q(_schema(cursor))}, pg_temp AS "
                f"$$ SELECT {q(group_key.column)} FROM {q(group_key.model._meta.db_table)} "
                f"WHERE {q(user_key.column)} = {ME} $$")
        for table, (using, check) in tables.items():
            cursor.execute(f"ALTER TABLE {q(table)} ENABLE ROW LEVEL SECURITY")
            cursor.execute(f"DROP POLICY IF EXISTS {POLICY} ON {q(table)}")
            cursor.execute(f"CREATE POLICY {POLICY} ON {q(table)} FOR ALL USING ({using}) WITH CHECK ({check})")
    return sorted(tables)


def _schema(cursor: Any) -> str:
    cursor.execute("SELECT current_schema()")
    return str(cursor.fetchone()[0])


def post_migrate_sync(sender: object, using: str = DEFAULT_DB_ALIAS, **kwargs: object) -> None:
    row_security_sync(connections[using])
