"""Dataclasses to JSON-ready values and back, driven by their type hints.

Used by the readings cache and the records store, so that stages which gain fields need no
change here: every dataclass field is written; fields missing from stored data take their
defaults, and stored fields the class no longer has are ignored.
"""

from __future__ import annotations

import collections.abc
import dataclasses
import gc
import json
import pickle
import sys
import types
import typing
from functools import lru_cache
from typing import BinaryIO, Callable

__all__ = ["to_jsonable", "from_jsonable", "converter", "type_hints", "to_rows", "row_converter",
           "unpickle_only", "compact_json", "SerializationError"]

_SCALARS = (str, int, float, bool, type(None))

# JSON text without spaces or escapes of non-ASCII characters: the one form every compact file,
# data block and cache row of geomap is written in.
compact_json = json.JSONEncoder(ensure_ascii=False, separators=(",", ":")).encode


class SerializationError(ValueError):
    """Stored data that does not fit the dataclass it should rebuild."""


def unpickle_only(f: BinaryIO, allowed: frozenset[tuple[str, str]], what: str) -> object:
    """The object pickled in the binary file ``f``, rebuilding only the classes ``allowed``
    names as (module, name) (the pickle documentation's "Restricting Globals"): a cache file is
    data, never code. A file that names anything else, or cannot be read, raises
    SerializationError naming ``what``. Collection pauses while the objects are rebuilt."""
    gc.disable()
    try:
        return _RestrictedUnpickler(f, allowed, what).load()
    except SerializationError:
        raise
    except Exception as err:  # truncated or foreign bytes, or a file that fails
        raise SerializationError(f"not {what} ({err})") from err
    finally:
        gc.enable()


class _RestrictedUnpickler(pickle.Unpickler):
    def __init__(self, f: BinaryIO, allowed: frozenset[tuple[str, str]], what: str) -> None:
        super().__init__(f)
        self._allowed, self._what = allowed, what

    def find_class(self, module: str, name: str):
        if (module, name) not in self._allowed:
            raise SerializationError(f"{self._what} may not hold {module}.{name}")
        return super().find_class(module, name)


def to_jsonable(value):
    """A JSON-ready copy of ``value``: dataclasses become dicts of their fields."""
    if isinstance(value, _SCALARS):
        return value
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        return {f.name: to_jsonable(getattr(value, f.name)) for f in dataclasses.fields(value)}
    if isinstance(value, (list, tuple, collections.abc.Sequence)):
        return [to_jsonable(v) for v in value]
    if isinstance(value, (set, frozenset)):
        return sorted(to_jsonable(v) for v in value)
    if isinstance(value, dict):
        return {str(k): to_jsonable(v) for k, v in value.items()}
    raise SerializationError(f"cannot store a {type(value).__name__} value")


def to_rows(value):
    """A compact JSON-ready copy of ``value``: dataclasses become lists of their field values in
    field order. Only the same code can read it back (:func:`row_converter`); the readings
    cache, keyed by the code version, uses it because it is small and quick to rebuild."""
    if isinstance(value, _SCALARS):
        return value
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        return [to_rows(getattr(value, name)) for name in _field_names(type(value))]
    if isinstance(value, (list, tuple, collections.abc.Sequence)):
        return [to_rows(v) for v in value]
    if isinstance(value, dict):
        return {str(k): to_rows(v) for k, v in value.items()}
    raise SerializationError(f"cannot store a {type(value).__name__} value")


@lru_cache(maxsize=None)
def _field_names(cls: type) -> tuple[str, ...]:
    return tuple(f.name for f in dataclasses.fields(cls))


@lru_cache(maxsize=None)
def row_converter(tp) -> Callable[[object], object]:
    """A function rebuilding values of type ``tp`` from :func:`to_rows`'s form. It checks the
    shape (lists, their lengths) but not every scalar, and may reuse the lists it is given."""
    origin = typing.get_origin(tp)
    if origin in (typing.Union, types.UnionType):
        options = [a for a in typing.get_args(tp) if a is not type(None)]
        inner = [row_converter(a) for a in options]
        if all(c is _same for c in inner):
            return _same
        if len(inner) != 1:
            raise SerializationError(f"cannot rebuild values of type {tp} from rows")
        (only,) = inner
        return lambda data: None if data is None else only(data)
    if origin in (list, tuple, set, frozenset, collections.abc.Sequence):
        args = typing.get_args(tp)
        if origin is tuple and args and args[-1] is not Ellipsis:
            return _fixed_tuple([row_converter(a) for a in args], tp)
        item = row_converter(args[0]) if args else _same
        return _rows_sequence(item, list if origin is collections.abc.Sequence else origin, tp)
    if isinstance(tp, type) and dataclasses.is_dataclass(tp):
        return _row_dataclass(tp)
    if tp is float:
        return _float
    return _same  # other scalars, Any: as decoded


def _rows_sequence(item, origin, tp):
    def convert(data):
        if type(data) is not list:
            raise _fail(tp, data)
        if item is not _same:
            data = [item(v) for v in data]
        return data if origin is list else origin(data)
    return convert


def _row_dataclass(cls: type):
    hints = type_hints(cls)
    fields = dataclasses.fields(cls)
    special = [(i, c) for i, c in enumerate(row_converter(hints[f.name]) for f in fields) if c is not _same]
    n = len(fields)

    def convert(data):
        if type(data) is not list or len(data) != n:
            raise _fail(cls, data)
        for i, c in special:
            data[i] = c(data[i])
        return cls(*data)
    return convert


@lru_cache(maxsize=None)
def type_hints(cls: type) -> dict[str, object]:
    """The resolved type hints of a dataclass's fields."""
    module = sys.modules.get(cls.__module__)
    return typing.get_type_hints(cls, vars(module) if module else None)


def from_jsonable(tp, data):
    """Rebuild a value of type ``tp`` (a dataclass, container or scalar type) from ``data``."""
    return converter(tp)(data)


@lru_cache(maxsize=None)
def converter(tp) -> Callable[[object], object]:
    """A function rebuilding values of type ``tp``, worked out once per type."""
    origin = typing.get_origin(tp)
    if tp is typing.Any or origin is typing.Literal:
        return _same
    if origin in (typing.Union, types.UnionType):
        return _union([converter(a) for a in typing.get_args(tp) if a is not type(None)],
                      type(None) in typing.get_args(tp), tp)
    if tp in (list, tuple, set, frozenset, dict):
        return converter(dict[str, typing.Any] if tp is dict else tp[typing.Any])
    if origin is collections.abc.Sequence:  # stored as a list
        origin = list
    if origin in (list, tuple, set, frozenset):
        args = typing.get_args(tp)
        if origin is tuple and args and args[-1] is not Ellipsis:
            return _fixed_tuple([converter(a) for a in args], tp)
        return _sequence(converter(args[0]) if args else _same, origin, tp)
    if origin is dict:
        return _mapping(converter(typing.get_args(tp)[1]) if typing.get_args(tp) else _same, tp)
    if isinstance(tp, type) and dataclasses.is_dataclass(tp):
        build = _dataclass_converter(tp)
        return lambda data: build(data, None)
    if tp is float:
        return _float
    if isinstance(tp, type):
        return _scalar(tp)
    raise SerializationError(f"cannot rebuild values of type {tp}")


def _same(data):
    return data


def _fail(tp, data) -> SerializationError:
    return SerializationError(f"expected {getattr(tp, '__name__', tp)}, got {type(data).__name__}")


def _union(options: list, optional: bool, tp):
    if len(options) == 1:
        (only,) = options
        return (lambda data: None if data is None else only(data)) if optional else only

    def convert(data):
        if data is None and optional:
            return None
        for option in options:
            try:
                return option(data)
            except SerializationError:
                continue
        raise _fail(tp, data)
    return convert


def _sequence(item, origin, tp):
    def convert(data):
        if type(data) is not list:
            raise _fail(tp, data)
        items = [item(v) for v in data]
        return items if origin is list else origin(items)
    return convert


def _fixed_tuple(items: list, tp):
    def convert(data):
        if type(data) is not list or len(data) != len(items):
            raise _fail(tp, data)
        return tuple(c(v) for c, v in zip(items, data))
    return convert


def _mapping(value, tp):
    def convert(data):
        if type(data) is not dict:
            raise _fail(tp, data)
        return {k: value(v) for k, v in data.items()}
    return convert


def _float(data):
    if type(data) is float:
        return data
    if type(data) is int:
        return float(data)
    raise _fail(float, data)


def _scalar(tp: type):
    def convert(data):
        if type(data) is tp or (isinstance(data, tp) and not isinstance(data, bool)):
            return data
        raise _fail(tp, data)
    return convert


@lru_cache(maxsize=None)
def _dataclass_converter(cls: type):
    fields = dataclasses.fields(cls)
    if any(not f.init for f in fields):
        raise SerializationError(f"{cls.__name__}: fields set outside __init__ cannot be rebuilt")
    hints = type_hints(cls)
    plan = [(f.name, converter(hints[f.name]),
             f.default is dataclasses.MISSING and f.default_factory is dataclasses.MISSING) for f in fields]

    def convert(data, known: dict | None):
        if type(data) is not dict:
            raise _fail(cls, data)
        kwargs = dict(known) if known else {}
        for name, convert_field, required in plan:
            if name in kwargs:
                continue
            if name in data:
                kwargs[name] = convert_field(data[name])
            elif required:
                raise SerializationError(f"{cls.__name__}: stored data lacks {name!r}")
        return cls(**kwargs)
    return convert
