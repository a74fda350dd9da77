"""What rendering a prompt template may cost: time, memory, and the size of what it builds and writes.

Prompt templates are user code run on every row of a dataset. Jinja's sandbox keeps them away from Python's
internals, not from running for minutes or building gigabyte strings, so each row renders under bounds:
- time and memory: a SIGALRM timer ticks while a row renders and ends the render past RENDER_TIMEOUT_S of CPU
  time, or once the process has grown by RENDER_MEMORY_BYTES. Python runs signal handlers between bytecodes, so loops
  and recursion end; signals reach the main thread only, so elsewhere a render has no time or memory bound.
- single C calls no timer interrupts: `*`, `**`, `+`, `%`, str.format, the width arguments of center,
  ljust, rjust, zfill, expandtabs and indent, and every filter and every method of a string, list or dict
  (`estimate`: exact for replace and join, a bound from the argument sizes for the rest) refuse a result past
  MAX_MESSAGE_CHARS (or MAX_INT_BITS) before it is computed.
- output: a message stops at MAX_MESSAGE_CHARS.
- loading: nothing runs (no constant folding), and include/import/extends are refused.
"""

import os
import re
import signal
import threading
import time
from pathlib import Path

from jinja2 import filters as jinja_filters
from jinja2 import nodes
from jinja2.sandbox import ImmutableSandboxedEnvironment

# A prompt message is at most a few hundred thousand characters (a long court decision); past this it is a bug.
MAX_MESSAGE_CHARS = 1_000_000
# Integers a prompt needs are short; 9**(9**9) would run for minutes in one uninterruptible C call.
MAX_INT_BITS = 100_000
# A row renders in microseconds to milliseconds (format_sql of a very long query: about a second).
RENDER_TIMEOUT_S = 5.0
# Growth of the whole process while one row renders (measured from its first tick).
RENDER_MEMORY_BYTES = 128 * 2**20
# How often the timer looks at the clock and the memory during a render; renders shorter than this see no tick.
TICK_S = 0.02
_WIDTH_METHODS = {"center", "ljust", "rjust", "zfill", "expandtabs"}
_BIG_NUMBER = re.compile(rf"\d{{{len(str(MAX_MESSAGE_CHARS))},}}")  # a width or precision of a million or more
_REFUSED_TAGS = {nodes.Extends: "extends", nodes.Include: "include", nodes.Import: "import",
                 nodes.FromImport: "from ... import"}


class LimitExceeded(Exception):
    """A render refused or stopped for what it would cost; the message says which bound."""


# ---------------------------------------------------------------- values: refused before they are built


def _check_size(size: int, what: str) -> None:
    if size > MAX_MESSAGE_CHARS:
        raise LimitExceeded(f"{what} would make {size:,} characters or items (the limit is {MAX_MESSAGE_CHARS:,})")


def _check_bits(bits: int, what: str) -> None:
    if bits > MAX_INT_BITS:
        raise LimitExceeded(f"{what} would make a {bits:,}-bit integer (the limit is {MAX_INT_BITS:,} bits)")


def _check_format(text: str) -> None:
    if _BIG_NUMBER.search(text):
        raise LimitExceeded(f"a format with a width or precision of a million or more: {text[:40]!r}")


def _check_binop(operator: str, left, right) -> None:
    """Estimate the result's size from the operands: the operation itself is one C call no timer stops."""
    ints = isinstance(left, int) and isinstance(right, int)
    if operator == "**" and ints and right > 0 and abs(left) > 1:
        _check_bits(right * abs(left).bit_length(), "'**'")
    elif operator == "*" and ints:
        _check_bits(left.bit_length() + right.bit_length(), "'*'")
    elif operator == "*" and isinstance(left, (str, list, tuple)) and isinstance(right, int):
        _check_size(len(left) * right, "'*'")
    elif operator == "*" and isinstance(right, (str, list, tuple)) and isinstance(left, int):
        _check_size(len(right) * left, "'*'")
    elif operator == "+" and isinstance(left, (str, list, tuple)) and isinstance(right, (str, list, tuple)):
        _check_size(len(left) + len(right), "'+'")
    elif operator == "%" and isinstance(left, str):
        _check_format(left)


def _check_widths(name: str, args: tuple) -> None:
    widths = [a for a in args if isinstance(a, int)]
    if widths:
        _check_size(max(widths), name)


def _width_filter(name: str):
    """A built-in filter whose width argument is checked first: `'x' | center(10**9)` is one 1 GB allocation."""
    original = getattr(jinja_filters, f"do_{name}")

    def bounded(value, *args, **kwargs):
        _check_widths(f"{name}()", (*args, *kwargs.values()))
        return original(value, *args, **kwargs)

    return bounded


def _format_filter(value, *args, **kwargs):
    """`format`: printf-style formatting, with the format's widths checked first."""
    _check_format(str(value))
    return jinja_filters.do_format(value, *args, **kwargs)


BOUNDED_FILTERS = {"center": _width_filter("center"), "indent": _width_filter("indent"), "format": _format_filter}


def _size(value) -> int:
    """Characters of a string; characters and items of a list or tuple (one level); 0 for anything else."""
    if isinstance(value, str):
        return len(value)
    if isinstance(value, (list, tuple)):
        return len(value) + sum(len(item) for item in value if isinstance(item, str))
    return 0


def estimate(name: str, receiver, others: list) -> int:
    """An upper bound of what a filter or method called `name` on `receiver` with `others` can build, before it
    runs. Exact for replace and join (the usual ways to grow a string); for every other call, the receiver's size
    times one plus the longest other argument: each character of the input is at most replaced by an argument."""
    strings = [o for o in others if isinstance(o, str)]
    if name == "replace" and isinstance(receiver, str) and len(strings) >= 2:
        old, new = strings[:2]
        count = receiver.count(old) if old else len(receiver) + 1
        return len(receiver) + count * max(0, len(new) - len(old))
    if name == "join":
        sequence, separator = (others[0], receiver) if isinstance(receiver, str) and others else (receiver, None)
        separator = separator if separator is not None else (strings[0] if strings else "")
        if isinstance(sequence, (list, tuple)):
            return sum(len(str(item)) for item in sequence) + len(separator) * len(sequence)
    return _size(receiver) * (1 + max(map(len, strings), default=0))


def bounded_filter(name: str, original):
    """Every filter, checked by `estimate` before it runs (Jinja's pass_context/pass_environment marks kept)."""
    import functools

    @functools.wraps(original)
    def bounded(*args, **kwargs):
        values = [a for a in args if not hasattr(a, "environment") and not hasattr(a, "filters")]  # not ctx/env
        if values:
            _check_size(estimate(name, values[0], [*values[1:], *kwargs.values()]), f"{name}()")
        return original(*args, **kwargs)

    return bounded


class BoundedEnvironment(ImmutableSandboxedEnvironment):
    """The sandbox, plus checks on the operations that can build a huge value in one step."""

    intercepted_binops = frozenset({"*", "**", "+", "%"})

    def call_binop(self, context, operator: str, left, right):
        _check_binop(operator, left, right)
        return super().call_binop(context, operator, left, right)

    def call(__self, __context, __obj, *args, **kwargs):  # Jinja's signature: the prefixes avoid clashes
        receiver, name = getattr(__obj, "__self__", None), getattr(__obj, "__name__", "")
        if isinstance(receiver, str) and name in _WIDTH_METHODS:
            _check_widths(f"{name}()", (*args, *kwargs.values()))
        if isinstance(receiver, (str, list, tuple, dict)):  # every method of a value the template holds
            _check_size(estimate(name, receiver, [*args, *kwargs.values()]), f"{name}()")
        return super().call(__context, __obj, *args, **kwargs)

    def wrap_str_format(self, value):
        wrapped = super().wrap_str_format(value)
        if wrapped is not None:
            _check_format(value.__self__)
        return wrapped


def refused_tag(tree: nodes.Template) -> tuple[str, int] | None:
    """(tag, line) of the first include/import/extends: a prompt template is one self-contained text."""
    node = next(tree.find_all(tuple(_REFUSED_TAGS)), None)
    return None if node is None else (_REFUSED_TAGS[type(node)], node.lineno)


def render_text(template, variables: dict) -> str:
    """The template's text, stopped as soon as it passes MAX_MESSAGE_CHARS."""
    pieces, size = [], 0
    for piece in template.generate(**variables):
        size += len(piece)
        if size > MAX_MESSAGE_CHARS:
            raise LimitExceeded(f"the message passed {MAX_MESSAGE_CHARS:,} characters")
        pieces.append(piece)
    return "".join(pieces)


# ---------------------------------------------------------------- time and memory: a timer while a row renders


class RowBudget:
    """Time and memory for one row's render. `inside` is True only while template code runs, so a tick that
    lands in sftflow's own code between messages waits for the next one."""

    def __init__(self) -> None:
        self.inside = False
        self.timed = False
        self.deadline = 0.0
        self.baseline: int | None = None

    def __enter__(self) -> "RowBudget":
        global _current
        if _claim_alarm():
            # CPU time of this (the main) thread: a loaded machine slows an honest row's wall clock, not its CPU time
            self.deadline, _current = time.thread_time() + RENDER_TIMEOUT_S, self
            previous = signal.setitimer(signal.ITIMER_REAL, TICK_S, TICK_S)
            self.timed = previous[0] == 0
            if not self.timed:  # someone else's timer is running: leave it, and go without
                signal.setitimer(signal.ITIMER_REAL, *previous)
                _current = None
        return self

    def __exit__(self, *exc) -> None:
        global _current
        if self.timed:
            _current = None
            signal.setitimer(signal.ITIMER_REAL, 0)

    def check(self) -> None:
        """Called on each tick: stop a render that is past its time or has grown the process too much."""
        if time.thread_time() > self.deadline:
            raise LimitExceeded(f"the render took more than {RENDER_TIMEOUT_S:g} s of CPU time")
        resident = _resident_bytes()
        if self.baseline is None or resident is None:
            self.baseline = resident  # the first tick's size: growth is measured from there
        elif resident - self.baseline > RENDER_MEMORY_BYTES:
            raise LimitExceeded(f"the render grew the process by more than {RENDER_MEMORY_BYTES >> 20} MiB")


_current: RowBudget | None = None


def _on_alarm(signum, frame) -> None:
    # Installed once and left in place (installing it costs more than a small render); a SIGALRM while no row
    # renders is one of our late ticks, or a stray one the default handler would have ended the process for.
    budget = _current
    if budget is not None and budget.inside:
        budget.check()


_MAIN_THREAD = threading.main_thread().ident
_HAS_TIMER = hasattr(signal, "setitimer")  # not on Windows
try:
    # signal.getsignal maps its answer through an enum, raising and catching a ValueError for a Python handler:
    # about 3 us, a third of a small render
    from _signal import getsignal as _handler_of
except ImportError:
    _handler_of = signal.getsignal


def _claim_alarm() -> bool:
    """Whether this render may use SIGALRM: the main thread, and no one else's handler installed."""
    if not _HAS_TIMER or threading.get_ident() != _MAIN_THREAD:
        return False
    handler = _handler_of(signal.SIGALRM)
    if handler is _on_alarm:
        return True
    if handler != signal.SIG_DFL:
        return False
    signal.signal(signal.SIGALRM, _on_alarm)
    return True


def _resident_bytes() -> int | None:
    try:
        return int(Path("/proc/self/statm").read_text().split()[1]) * os.sysconf("SC_PAGE_SIZE")
    except (OSError, ValueError):
        return None  # not Linux: time is bounded, memory growth is not
