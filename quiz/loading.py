"""Rows read into ORM instances at a fraction of the ORM's own cost, for the hot paths.

`Session.get` costs about 340 µs of CPU on SQLite (the ORM's query, its cache key, the
loading of the instance); one text statement on the request's connection and an instance
made from its row cost about a third of that. The instances are persistent, as if the ORM
had loaded them: their lazy relationships, the identity map and flushes work as usual.

The session keeps a loaded instance only while something refers to it, so a related row
read ahead (the quiz's campaign) is set on its parent's relationship, not just loaded: left
alone it would be dropped and read again by the relationship's own lazy load.
"""

from __future__ import annotations

import functools

import sqlalchemy as sa
from sqlalchemy.orm import make_transient_to_detached
from sqlalchemy.orm.attributes import set_committed_value
from sqlalchemy.orm.util import identity_key

from . import fastsql
from .db import execute, quoter
from .extensions import db


def load(model, ident):
    """`Session.get(model, ident)`, cheaply: the session's instance if it holds it, else
    the row by one text statement. None if there is no such row."""
    found = db.session().identity_map.get(identity_key(model, ident))
    if found is not None:
        return found
    return load_where(model, "id = :id", {"id": ident})


def load_where(model, where: str, params: dict, *, for_update: bool = False):
    """The one row of `model` matching `where` (SQL over its columns, with named
    parameters) as a persistent instance (the session's own if it holds it already), or
    None. `for_update`: on PostgreSQL the row is locked until the commit (SQLite's write
    transaction holds the whole file)."""
    stmt = _select_where(model.__table__, where, for_update)
    row = execute(stmt, params).first()
    return None if row is None else _instance(model, row._asdict())


def load_all_where(model, where: str, params: dict) -> list:
    """Every row of `model` matching `where` (which may end in ORDER BY or LIMIT), as
    persistent instances."""
    stmt = _select_where(model.__table__, where, False)
    return [_instance(model, row._asdict()) for row in execute(stmt, params).all()]


def load_chain(model, ident, *names: str):
    """`model` with id `ident` and the chain of many-to-one relationships `names`, each of
    the one before, in one statement: ``load_chain(Quiz, 5, "campaign", "host_unit")``
    reads the quiz, its campaign and the campaign's host unit (None where a key is
    NULL), and sets them on each other. None if there is no such `model` row."""
    found = db.session().identity_map.get(identity_key(model, ident))
    if found is not None:  # in the session already: the rest one by one, where missing
        instance = found
        for name in names:
            relationship = sa.inspect(type(instance)).relationships[name]
            (local, _), = relationship.local_remote_pairs
            instance = load_related(instance, name, relationship.mapper.class_,
                                    getattr(instance, local.key))
            if instance is None:
                break
        return found
    stmt, models = _chain_select(model, names)
    row = execute(stmt, {"id": ident}).first()
    if row is None:
        return None
    values = row._asdict()
    parent = first = None
    for level, (target, name) in enumerate(zip(models, (None, *names), strict=True)):
        prefix = f"t{level}_"
        mine = {key[len(prefix):]: value for key, value in values.items()
                if key.startswith(prefix)}
        instance = None if mine["id"] is None else _instance(target, mine)
        if parent is not None and name not in parent.__dict__:
            set_committed_value(parent, name, instance)
        elif parent is not None:
            instance = parent.__dict__[name]
        if first is None:
            first = instance
        if instance is None:
            break
        parent = instance
    return first


def load_related(instance, name: str, model, ident):
    """Fill the many-to-one relationship `name` of `instance` (the `model` with id `ident`,
    or None), unless it is loaded already; returns it."""
    if name in instance.__dict__:
        return instance.__dict__[name]
    related = load(model, ident) if ident is not None else None
    set_committed_value(instance, name, related)
    return related


def _instance(model, values: dict):
    """A persistent instance of the row `values` (the session's own if it has one)."""
    session = db.session()
    found = session.identity_map.get(identity_key(model, values["id"]))
    if found is not None:
        return found
    # Not through the constructor: it sets each column through the attribute events (about
    # 3 µs a column); a row read from the database has its values as they are.
    instance = sa.inspect(model).class_manager.new_instance()
    instance.__dict__.update(values)
    make_transient_to_detached(instance)  # as loaded: no history, nothing to flush
    session.add(instance)
    return instance


@functools.cache
def _select_where(table, where: str, for_update: bool) -> fastsql.Statement:
    def sql(dialect: str) -> str:
        quote = quoter(dialect)
        text = (f"SELECT {', '.join(quote(column.name) for column in table.columns)} "
                f"FROM {quote(table.name)} WHERE {where}")
        return text + fastsql.locking(dialect) if for_update else text

    return fastsql.Statement(sql, columns=fastsql.columns_of(table))


@functools.cache
def _chain_select(model, names: tuple[str, ...]):
    """The statement of `load_chain` and the model of each level."""
    models = [model]
    links = []  # (level, target table, its column, the column of the level before)
    for level, name in enumerate(names, start=1):
        relationship = sa.inspect(models[-1]).relationships[name]
        (local, remote), = relationship.local_remote_pairs  # one column, many-to-one
        target = relationship.mapper.class_
        links.append((level, target.__table__.name, remote.name, local.name))
        models.append(target)
    columns = [(f"t{level}_{column.name}", column.type)
               for level, target in enumerate(models) for column in target.__table__.columns]

    def sql(dialect: str) -> str:
        quote = quoter(dialect)
        joins = [f"{quote(model.__table__.name)} AS t0"] + [
            f"LEFT JOIN {quote(table)} AS t{level} "
            f"ON t{level}.{quote(remote)} = t{level - 1}.{quote(local)}"
            for level, table, remote, local in links]
        selected = ", ".join(f"t{level}.{quote(column.name)} AS t{level}_{column.name}"
                             for level, target in enumerate(models)
                             for column in target.__table__.columns)
        return f"SELECT {selected} FROM {' '.join(joins)} WHERE t0.id = :id"

    return fastsql.Statement(sql, columns=columns), tuple(models)
