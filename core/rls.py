"""Row-level security on PostgreSQL: a second wall behind the selectors (docs/security.md).

Every table holding a person's rows gets one policy, derived from the models (never a hand-kept list): a row is
visible when one of its foreign keys to the user model names the signed-in user, when it belongs to a group the
user is a member of (``ROW_SECURITY_MEMBERSHIP``), or, for a row with no user key of its own, when the row it
belongs to (a CASCADE foreign key: a split's transaction, a message's conversation) is the user's.

Who "the user" is lives in two settings of the database session, set at the start of each request and task:
``finsight.user_id`` (one person's rows) or ``finsight.bypass = on`` (everything: management commands and
migrations, the admin, the worker's cross-user jobs, anonymous pages). With neither, the app role sees nothing.
Policies bind only a role that is neither superuser nor the tables' owner: with the setting on, the web server
and the worker switch to ``DATABASE_ROW_SECURITY_ROLE`` (``SET ROLE``) on every new connection. An operator's
process (a management command, the test suite) stays the connecting role and sees everything, and runs what it
serves (a request through the test client, a task run inline) as the app role for as long as that lasts.

Code that must work on another person's rows, or on everyone's, says so with ``row_security_as``.
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

# Management commands (manage.py marks its process) and the test suite (its conftest) see everything as the
# connecting role; the web server and the worker start each connection as the app role seeing nothing until a
# request or task says whose.
_operator_process = False
# Commands that serve people rather than operate on the data: they run as the app role like the web server.
SERVING_COMMANDS = frozenset({"runserver", "run_huey"})


def row_security_operator_process(argv: list[str] | None = None) -> None:
    """This process is an operator's: it sees every row as the connecting role, and what it serves (a request
    through the test client, a task run inline) goes through the app role for as long as that lasts.

    manage.py passes its argv: every command but the servers (``SERVING_COMMANDS``). The test suite (conftest.py)
    and the bench scripts call it without: their own code is the operator's, their requests and tasks the app's."""
    global _operator_process
    _operator_process = argv is None or len(argv) < 2 or argv[1] not in SERVING_COMMANDS


def row_security_on(connection: BaseDatabaseWrapper | None = None) -> bool:
    connection = connection or connections[DEFAULT_DB_ALIAS]
    return bool(getattr(settings, "DATABASE_ROW_SECURITY", False)) and connection.vendor == "postgresql"


# --- whose rows: the session's two settings -------------------------------------------------------------------


def _mode_set(connection: BaseDatabaseWrapper, *, user_id: int | None, bypass: bool,
              default: bool = False) -> None:
    """The two settings (and, in an operator's process, the role) in one statement. ``default``: the process's own
    mode, between requests and tasks. Not connected yet (an anonymous page may need no query at all): the mode is
    kept and ``connection_prepare`` applies it when the connection opens."""
    connection._finsight_row_mode = None if default else (user_id, bypass)  # type: ignore[attr-defined]
    if connection.connection is not None:
        # As Django's own cursor() would: a connection found dead (CONN_HEALTH_CHECKS) is dropped, not used.
        connection.close_if_health_check_failed()
    if connection.connection is None:
        return
    sql = "SELECT set_config(%s, %s, false), set_config(%s, %s, false)"
    params = [USER_SETTING, "" if user_id is None else str(int(user_id)), BYPASS_SETTING, "on" if bypass else ""]
    if _operator_process:
        # A command or the test suite is the connecting role; what it serves (a request, a task) is the app's.
        sql += ", set_config('role', %s, false)"
        params.append("none" if default else settings.DATABASE_ROW_SECURITY_ROLE)
    _session_execute(connection, sql, params)


def _session_execute(connection: BaseDatabaseWrapper, sql: str, params: list[str] | None = None) -> None:
    """A session setting, on the driver's own cursor as Django sets the time zone and the role (outside the query
    log and execute wrappers: a fixed statement or two per request, not a query of the page's)."""
    with connection.wrap_database_errors, connection.connection.cursor() as cursor:
        cursor.execute(sql, params)


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
    if row_security_on(connection):
        _mode_set(connection, user_id=None, bypass=_operator_process, default=True)


def _mode_restore(connection: BaseDatabaseWrapper, mode: tuple[int | None, bool] | None) -> None:
    if connection.connection is not None and _transaction_failed(connection):
        # No statement runs until the rollback; the caller's rollback undoes the block's settings with it.
        connection._finsight_row_mode = mode  # type: ignore[attr-defined]
    elif mode is None:
        _mode_set(connection, user_id=None, bypass=_operator_process, default=True)
    else:
        _mode_set(connection, user_id=mode[0], bypass=mode[1])


def _mode_read(connection: BaseDatabaseWrapper) -> tuple[int | None, bool] | None:
    """The mode the database session is in now, to go back to: read from the session, because a rollback (a
    test's, a savepoint's) also undoes settings made after it. None: the process's default."""
    if connection.connection is None or _transaction_failed(connection):
        return cast("tuple[int | None, bool] | None", getattr(connection, "_finsight_row_mode", None))
    with connection.wrap_database_errors, connection.connection.cursor() as cursor:
        cursor.execute("SELECT current_setting(%s, true), current_setting(%s, true), current_user = session_user",
                       [USER_SETTING, BYPASS_SETTING])
        user_id, bypass, as_connected = cursor.fetchone()
    if _operator_process and as_connected:
        return None
    return (int(user_id) if user_id else None, bypass == "on")


def _transaction_failed(connection: BaseDatabaseWrapper) -> bool:
    """An error aborted the transaction: no statement runs until its rollback, which also undoes the settings."""
    info = getattr(connection.connection, "info", None)
    return getattr(getattr(info, "transaction_status", None), "name", "") == "INERROR"


@contextmanager
def row_security_as(*, user_id: int | None = None, bypass: bool = False,
                    using: str = DEFAULT_DB_ALIAS) -> Iterator[None]:
    """One person's rows (``user_id``) or everyone's (``bypass=True``) inside the block, then as before.

    For the few places that work on rows other than the current person's on purpose: a notification written into
    its recipient's inbox, a worker task given an object's id working for that object's owner, a job over
    everyone. Nothing else should need it: a request and a per-user task already see their person's rows."""
    connection = connections[using]
    if not row_security_on(connection):
        yield
        return
    before = _mode_read(connection)
    _mode_set(connection, user_id=user_id, bypass=bypass and user_id is None)
    try:
        yield
    finally:
        _mode_restore(connection, before)


@contextmanager
def row_security_owner(model: type[models.Model], pk: int, *, owner: str) -> Iterator[None]:
    """For a worker task given an object's id (an import batch, a receipt, a delivery): the rows of that object's
    person inside the block, as a per-user task sees them. ``owner`` is the path to their key (``"user"``,
    ``"notification__user"``), read in the task's see-everything mode; an object already gone shows nobody's."""
    owner_id = model._default_manager.filter(pk=pk).values_list(owner, flat=True).first()
    with row_security_as(user_id=owner_id):
        yield


def connection_prepare(sender: object, connection: BaseDatabaseWrapper, **kwargs: object) -> None:
    """connection_created: the servers' connections become the app role, seeing nothing until told whose (or
    the mode a request or task chose before the connection opened)."""
    if not row_security_on(connection):
        return
    if not _operator_process:
        role = settings.DATABASE_ROW_SECURITY_ROLE
        # Unless the server connects as the app role itself (set_config('role') is SET ROLE, for this session).
        _session_execute(connection, "SELECT CASE WHEN %s IN (session_user, current_user) THEN NULL "
                                     "ELSE set_config('role', %s, false) END", [role, role])
    _mode_restore(connection, getattr(connection, "_finsight_row_mode", None))


def request_finished_reset(sender: object, **kwargs: object) -> None:
    """request_finished (after a streamed body too): the next use of the connection starts from nothing."""
    for connection in connections.all(initialized_only=True):
        if row_security_on(connection):
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
    task._finsight_row_mode_before = _mode_read(connection)
    user_id = task_user_id(task)
    _mode_set(connection, user_id=user_id, bypass=user_id is None)


def task_finished(task: Any, value: object, exception: BaseException | None) -> None:
    connection = connections[DEFAULT_DB_ALIAS]
    if row_security_on(connection):
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
                # OFFSET 0 keeps this a lookup of the one parent row by its key. Without it, PostgreSQL may turn
                # the EXISTS into a hashed list of every parent row the user reads (all 100,000 transactions
                # to show a page's splits, every expense of a group to show a page's shares): 9 ms for 25
                # expenses' shares, 1.3 ms with it, and a whole-table read costs about the same either way.
                clauses.append(f"EXISTS (SELECT 1 FROM {q(parent._meta.db_table)} p{depth} WHERE "
                               f"p{depth}.{q(key.target_field.column)} = {alias}.{q(key.column)} AND ({inner}) "
                               f"OFFSET 0)")
        return " OR ".join(clauses) or None

    def named_clause(self, model: ModelType, alias: str) -> str | None:
        """Readable by the person it names through a (model label, id) pair of fields: the audit log's entries about
        someone (a failed sign-in with their address, a staff member opening their record), which their security
        log shows. Reading only: such rows are written by the one writer that names them (audit_record)."""
        fields = getattr(settings, "ROW_SECURITY_NAMED_BY", {}).get(model._meta.label)
        if fields is None:
            return None
        q = connections[DEFAULT_DB_ALIAS].ops.quote_name
        label_column, id_column = (cast("models.Field[Any, Any]", model._meta.get_field(name)).column for name in fields)
        return (f"({alias}.{q(label_column)} = '{self.user_model._meta.label_lower}' "
                f"AND {alias}.{q(id_column)} = {ME}::text)")

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
        named = derivation.named_clause(model, alias)
        using = f"{BYPASS} OR {owned}" + (f" OR ({shared})" if shared else "") + (f" OR {named}" if named else "")
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
