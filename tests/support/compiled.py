"""Compiled once per test process: what every app the tests create compiles alike.

Every test gets an app of its own (``create_app``), and two things in making and using an
app cost more than most tests: Werkzeug compiles two URL builders per route (Python code
through ``compile()``: 0.2 s an app, most of ``create_app``) and Jinja compiles each template
an app renders (0.01-0.1 s a template, again in each new app). Both compile the same input
to the same code in every app of the process, so ``install()`` keeps what was compiled:

- a route's builders depend only on the route's parts and whether unknown arguments are
  appended (a route whose default fills one of its parts is compiled as before);
- a template's code depends on its source (checked by checksum, so an edited template is
  compiled again) and on the environment's settings, filters and tests (part of the key).

Only compiling is skipped: each app still has its own routes, Jinja environment, filters
and globals, and renders with them.
"""

import inspect
from collections.abc import Callable

from jinja2 import Environment
from jinja2.bccache import Bucket, BytecodeCache
from jinja2.utils import _PassArg
from werkzeug.routing.rules import Rule


class SharedTemplateCode(BytecodeCache):
    """Jinja's bytecode cache, in memory and shared by every app of the process: the code
    objects by template, environment and source checksum."""

    def __init__(self):
        self.code: dict[tuple, object] = {}

    def get_bucket(self, environment: Environment, name: str, filename, source: str) -> Bucket:
        key = (environment_key(environment), name, filename)
        bucket = Bucket(environment, repr(key), self.get_source_checksum(source))
        bucket.code = self.code.get((key, bucket.checksum))
        bucket.shared_key = key
        return bucket

    def set_bucket(self, bucket: Bucket) -> None:
        self.code[(bucket.shared_key, bucket.checksum)] = bucket.code


def _callables(functions: dict) -> tuple:
    """Each name, its function and how it is called (the compiled code passes the context,
    the eval context or the environment to a function that asks for it, and may call a
    function on constants while compiling)."""
    return tuple(
        sorted(
            (name, _function_name(f), str(_PassArg.from_obj(f))) for name, f in functions.items()
        )
    )


def _function_name(function) -> str:
    kind = function if isinstance(function, type) else type(function)
    name = getattr(function, "__qualname__", kind.__qualname__)
    return f"{getattr(function, '__module__', kind.__module__)}.{name}"


def environment_key(env: Environment) -> tuple:
    """What Jinja's code generator reads from the environment."""
    autoescape = env.autoescape if isinstance(env.autoescape, bool) else "callable"
    finalize = None if env.finalize is None else str(_PassArg.from_obj(env.finalize))
    return (
        type(env),
        env.block_start_string,
        env.block_end_string,
        env.variable_start_string,
        env.variable_end_string,
        env.comment_start_string,
        env.comment_end_string,
        env.line_statement_prefix,
        env.line_comment_prefix,
        env.trim_blocks,
        env.lstrip_blocks,
        env.newline_sequence,
        env.keep_trailing_newline,
        tuple(sorted(env.extensions)),
        env.optimized,
        env.is_async,
        env.sandboxed,
        tuple(sorted(getattr(env, "intercepted_binops", ()))),
        tuple(sorted(getattr(env, "intercepted_unops", ()))),
        autoescape,
        finalize,
        env.code_generator_class,
        env.context_class,
        _callables(env.filters),
        _callables(env.tests),
    )


def _shared_route_builders(original: Callable) -> Callable:
    builders: dict[tuple, Callable] = {}

    def compile_builder(self: Rule, append_unknown: bool = True):
        defaults = self.defaults or {}
        if any(dynamic and part in defaults for dynamic, part in self._trace):
            return original(self, append_unknown)  # a default is compiled into the code
        key = (tuple(self._trace), append_unknown)
        if key not in builders:
            builders[key] = original(self, append_unknown)
        return builders[key]  # a plain function: compile() binds it to each rule

    compile_builder.original = original
    return compile_builder


TEMPLATE_CODE = SharedTemplateCode()


def install() -> None:
    """Share route builders and template code between the apps of this process (the
    Werkzeug and Jinja internals are checked: with other versions nothing is shared)."""
    from flask import Flask

    compile_builder = Rule.__dict__.get("_compile_builder")
    if (
        compile_builder is not None
        and not hasattr(compile_builder, "original")
        and list(inspect.signature(compile_builder).parameters) == ["self", "append_unknown"]
        and "_trace" in inspect.getsource(Rule.compile) + inspect.getsource(compile_builder)
    ):
        Rule._compile_builder = _shared_route_builders(compile_builder)
    if "bytecode_cache" not in Flask.jinja_options:
        Flask.jinja_options = {**Flask.jinja_options, "bytecode_cache": TEMPLATE_CODE}
