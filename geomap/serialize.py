"""Dataclasses to JSON-ready values and back, driven by their type hints.

Used by the readings cache and the records store, so that stages which gain fields need no
change here: every dataclass field is written; fields missing from stored data take their
defaults, and stored fields the class no longer has are ignored.
"""

from __future__ import annotations

import dataclasses
import sys
import types
import typing
from functools import lru_cache

__all__ = ["to_jsonable", "from_jsonable", "rebuild", "type_hints", "SerializationError"]

_SCALARS = (str, int, float, bool, type(None))


class SerializationError(ValueError):
    """Stored data that does not fit the dataclass it should rebuild."""


def to_jsonable(value):
    """A JSON-ready copy of ``value``: dataclasses become dicts of their fields."""
    if isinstance(value, _SCALARS):
        return value
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        return {f.name: to_jsonable(getattr(value, f.name)) for f in dataclasses.fields(value)}
    if isinstance(value, (list, tuple)):
        return [to_jsonable(v) for v in value]
    if isinstance(value, (set, frozenset)):
        return sorted(to_jsonable(v) for v in value)
    if isinstance(value, dict):
        return {str(k): to_jsonable(v) for k, v in value.items()}
    raise SerializationError(f"cannot store a {type(value).__name__} value")


@lru_cache(maxsize=None)
def type_hints(cls: type) -> dict[str, object]:
    """The resolved type hints of a dataclass's fields."""
    module = sys.modules.get(cls.__module__)
    return typing.get_type_hints(cls, vars(module) if module else None)


def from_jsonable(tp, data):
    """Rebuild a value of type ``tp`` (a dataclass, container or scalar type) from ``data``."""
    origin = typing.get_origin(tp)
    if tp is typing.Any:
        return data
    if origin in (typing.Union, types.UnionType):
        args = typing.get_args(tp)
        if data is None and type(None) in args:
            return None
        errors = []
        for arg in args:
            if arg is type(None):
                continue
            try:
                return from_jsonable(arg, data)
            except SerializationError as err:
                errors.append(str(err))
        raise SerializationError("; ".join(errors) or f"no type of {tp} fits")
    if origin in (list, tuple, set, frozenset):
        if not isinstance(data, list):
            raise SerializationError(f"expected a list for {tp}, got {type(data).__name__}")
        args = typing.get_args(tp)
        if origin is tuple and args and args[-1] is not Ellipsis:
            return tuple(from_jsonable(a, v) for a, v in zip(args, data, strict=True))
        items = [from_jsonable(args[0] if args else typing.Any, v) for v in data]
        return origin(items) if origin is not list else items
    if origin is dict:
        if not isinstance(data, dict):
            raise SerializationError(f"expected an object for {tp}, got {type(data).__name__}")
        _key, val = typing.get_args(tp) or (str, typing.Any)
        return {k: from_jsonable(val, v) for k, v in data.items()}
    if origin is typing.Literal:
        return data
    if isinstance(tp, type) and dataclasses.is_dataclass(tp):
        return _dataclass(tp, data)
    if tp in (list, dict, tuple):
        return from_jsonable(tp[typing.Any] if tp is not dict else dict[str, typing.Any], data)
    if tp is float and isinstance(data, int) and not isinstance(data, bool):
        return float(data)
    if isinstance(tp, type) and isinstance(data, tp) and not (tp is int and isinstance(data, bool)):
        return data
    raise SerializationError(f"expected {getattr(tp, '__name__', tp)}, got {type(data).__name__}")


def rebuild(cls: type, data: dict, **known):
    """An instance of dataclass ``cls`` from stored ``data``, with some fields ``known`` already."""
    return _dataclass(cls, data, known)


def _dataclass(cls: type, data, known: dict | None = None):
    if not isinstance(data, dict):
        raise SerializationError(f"expected an object for {cls.__name__}, got {type(data).__name__}")
    if any(not f.init for f in dataclasses.fields(cls)):
        raise SerializationError(f"{cls.__name__}: fields set outside __init__ cannot be rebuilt")
    hints = type_hints(cls)
    kwargs = dict(known or {})
    for f in dataclasses.fields(cls):
        if f.name in kwargs:
            continue
        if f.name in data:
            kwargs[f.name] = from_jsonable(hints[f.name], data[f.name])
        elif f.default is dataclasses.MISSING and f.default_factory is dataclasses.MISSING:
            raise SerializationError(f"{cls.__name__}: stored data lacks {f.name!r}")
    return cls(**kwargs)
