"""Fast pickling of facts, for the process pool and the facts cache.

Facts are frozen slots dataclasses. Pickle's default path for them is `__getstate__`/`__setstate__`
written in Python (a dict per object, one `object.__setattr__` per field); a cold scan of a large
monorepo moves about 300,000 of them from the workers to the main process, and a warm scan reads as
many from the cache. Here each dataclass instance is reduced to `(cls, (field values…))` instead, so
unpickling is one call of the class's own `__init__`: about three times faster both ways and smaller.

Only classes whose `__init__` takes every field positionally, and that have no `__post_init__`,
are reduced this way; anything else keeps pickle's default.
"""
from __future__ import annotations

import copyreg
import dataclasses
import io
import operator
import pickle
import sys
from typing import Any, Callable

PROTOCOL = pickle.HIGHEST_PROTOCOL

_reducers: dict[type, Callable[[Any], tuple]] = {}
_scanned: set[str] = set()


def _reducer(cls: type) -> Callable[[Any], tuple] | None:
    if not dataclasses.is_dataclass(cls) or hasattr(cls, "__post_init__"):
        return None
    fields = dataclasses.fields(cls)
    if len(fields) != len(getattr(cls, "__dataclass_fields__", {})):   # InitVar / ClassVar pseudo-fields
        return None
    if not fields or any(not f.init or f.kw_only for f in fields):
        return None
    names = [f.name for f in fields]
    if len(names) == 1:
        name = names[0]
        return lambda obj: (cls, (getattr(obj, name),))
    get = operator.attrgetter(*names)
    return lambda obj: (cls, get(obj))


def _register_loaded() -> None:
    """Reducers for the dataclasses of every deploycheck module imported so far (facts are defined in
    core, project.model and the extractor modules, all imported before anything is pickled)."""
    for name, module in list(sys.modules.items()):
        if module is None or name in _scanned or not (name == "deploycheck" or name.startswith("deploycheck.")):
            continue
        _scanned.add(name)
        for obj in list(vars(module).values()):
            if isinstance(obj, type) and obj.__module__ == name and obj not in _reducers:
                red = _reducer(obj)
                if red is not None:
                    _reducers[obj] = red


_table: dict | None = None
_table_modules = 0


def _dispatch_table() -> dict:
    global _table, _table_modules
    if _table is None or len(sys.modules) != _table_modules:
        _register_loaded()
        _table = {**copyreg.dispatch_table, **_reducers}
        _table_modules = len(sys.modules)
    return _table


def dumps(obj: Any) -> bytes:
    buf = io.BytesIO()
    p = pickle.Pickler(buf, PROTOCOL)
    p.dispatch_table = _dispatch_table()
    p.dump(obj)
    return buf.getvalue()


loads = pickle.loads
