"""A config value checked against its field's type annotation, converted where YAML is ambiguous ('1e-4' is a
string to YAML, a float to the field), with one clear line naming the key when it does not fit."""

import dataclasses
import enum
import math
import types
import typing
from typing import Any

from sftflow.errors import UserError


def coerce(value: Any, field: dataclasses.Field, key: str, loc: str) -> Any:
    """Check `value` against the field's annotation; convert where YAML is ambiguous (e.g. '1e-4' is a str)."""
    try:
        result = _coerce(value, field.type)
    except OverflowError:
        raise UserError(f"'{key}' is {value!r}: a number must be finite", loc) from None
    except (TypeError, ValueError):
        expected = _describe(field.type)
        raise UserError(f"'{key}' expects {expected}, got {value!r}", loc) from None
    if isinstance(result, float) and not math.isfinite(result):  # '1e309' is a string to YAML, inf to float()
        raise UserError(f"'{key}' is {value!r}: a number must be finite", loc)
    return result


def _coerce(value: Any, annotation: Any) -> Any:
    origin, args = typing.get_origin(annotation), typing.get_args(annotation)
    if origin in (typing.Union, types.UnionType):
        if any(isinstance(a, type) and issubclass(a, enum.Enum) for a in args):
            args = tuple(a for a in args if a is not str)  # transformers converts "Enum | str" to the Enum
        for arg in sorted(args, key=_try_order):  # try the strictest types first
            try:
                return _coerce(value, arg)
            except (TypeError, ValueError):
                continue
        raise TypeError(annotation)
    if annotation is type(None):
        if value is None:
            return None
        raise TypeError(annotation)
    if annotation is Any:
        return value
    if origin in (list, tuple):
        if isinstance(value, str):
            value = [value]  # a single module name where a list is expected
        if not isinstance(value, (list, tuple)):
            raise TypeError(annotation)
        return [_coerce(v, args[0]) if args else v for v in value]
    if origin is dict or annotation is dict:
        if not isinstance(value, dict):
            raise TypeError(annotation)
        return value
    if origin is typing.Literal:
        if value in args:
            return value
        raise ValueError(value)
    return _coerce_scalar(value, annotation)


def _try_order(arg: Any) -> int:
    order = {type(None): 0, bool: 1, int: 2, float: 3}
    if isinstance(arg, type) and issubclass(arg, enum.Enum):
        return 4
    return order.get(arg, 5 if arg is not str else 6)


def _coerce_scalar(value: Any, annotation: Any) -> Any:
    if annotation is bool:
        if isinstance(value, bool):
            return value
        if isinstance(value, str) and value.lower() in ("true", "false", "yes", "no", "on", "off"):
            return value.lower() in ("true", "yes", "on")
        raise TypeError(annotation)
    if annotation is int:
        if isinstance(value, bool) or not isinstance(value, (int, str)):
            raise TypeError(annotation)
        return int(value)
    if annotation is float:
        if isinstance(value, bool) or not isinstance(value, (int, float, str)):
            raise TypeError(annotation)
        return float(value)
    if annotation is str:
        if isinstance(value, (dict, list)) or value is None:
            raise TypeError(annotation)
        return value if isinstance(value, str) else str(value)
    if isinstance(annotation, type) and issubclass(annotation, enum.Enum):
        return annotation(value).value
    return value


def _describe(annotation: Any) -> str:
    names = {bool: "true/false", int: "an integer", float: "a number", str: "a string",
             type(None): "null", dict: "a mapping"}
    union = typing.get_origin(annotation) in (typing.Union, types.UnionType)
    args = typing.get_args(annotation) if union else (annotation,)
    parts = []
    for arg in args:
        if isinstance(arg, type) and issubclass(arg, enum.Enum):
            parts.append("one of " + ", ".join(str(m.value) for m in arg))
        elif typing.get_origin(arg) in (list, tuple):
            parts.append("a list")
        else:
            parts.append(names.get(arg, names.get(typing.get_origin(arg), str(arg))))
    return " or ".join(dict.fromkeys(parts))
