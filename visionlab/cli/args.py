"""What the command groups share: the help formatter, and options built from config dataclasses' fields.

A config dataclass (``ClassifyConfig``, ``SegmentConfig``, ...) writes each default once; its
fields' ``metadata`` say how the command line spells them:

``help``
    The option's help text (required for a field that becomes an option).
``flag``
    The option string(s) when they are not ``--`` plus the field's name with dashes
    (``"--jitter"``, ``("-n", "--n")``). A field without a default and without ``flag`` is positional;
    with ``flag`` it is a required option.
``off_flag``, ``off_help``
    For a bool that defaults to True: the flag that turns it off (``"--no-flip"``). With ``flag`` as
    well, the two form a mutually exclusive pair (``--pretrained`` / ``--scratch``).
``choices``, ``metavar``
    Passed to argparse as they are. A fixed-length tuple field (``tuple[int, int]``) becomes
    ``nargs=len(tuple)``, a ``tuple[str, ...]`` field one or more values (``nargs="+"``).
``part``
    Fields sharing one ``flag`` with parts 0, 1, ... form one option with that many values
    (``--timeout CONNECT READ`` sets ``connect_timeout`` and ``read_timeout``); the first part's
    metadata gives the option's help and metavar.
``unit``
    The command line counts in this unit (``--max-mb`` for ``max_bytes`` with ``unit=MB``): it takes
    a float, shows the default divided by the unit, and multiplies what it reads (an int field
    gets the product truncated).

A field whose type is a dataclass (``augment``) contributes its own fields as ``augment.<name>``.
:func:`add_field_options` adds the options a command offers, :func:`config_from_args` builds the
config back from the parsed namespace, and :func:`cli_message` turns a library
:class:`~visionlab.errors.ParamError` (``lr must be positive``) into the command line's spelling
(``--lr must be positive``).
"""

from __future__ import annotations

import argparse
import dataclasses
import re
import types
import typing
from dataclasses import dataclass
from typing import Any, TypeVar

from visionlab.errors import ParamError

Formatter = argparse.ArgumentDefaultsHelpFormatter

PARAM_FLAGS = "param_flags"  # namespace attribute: {parameter: flag} of the options taken from config fields

T = TypeVar("T")


@dataclass(frozen=True)
class FieldOption:
    """One config field as a command-line option.

    Attributes:
        path: The parameter's name in the Python API, dotted for nested configs (``augment.color_jitter``).
        field: The dataclass field.
        hint: The field's resolved type annotation.
    """

    path: str
    field: dataclasses.Field
    hint: Any

    @property
    def meta(self) -> typing.Mapping[str, Any]:
        """The field's metadata (help, flag, off_flag, off_help, choices, metavar)."""
        return self.field.metadata

    @property
    def default(self) -> Any:
        """The field's default, or ``dataclasses.MISSING`` for a required field."""
        if self.field.default_factory is not dataclasses.MISSING:
            return self.field.default_factory()
        return self.field.default

    @property
    def flags(self) -> tuple[str, ...]:
        """The option strings that set the value; empty for a positional argument or an off-flag-only bool."""
        flag = self.meta.get("flag")
        if flag is not None:
            return (flag,) if isinstance(flag, str) else tuple(flag)
        if "off_flag" in self.meta or self.default is dataclasses.MISSING:
            return ()
        return ("--" + self.field.name.replace("_", "-"),)

    @property
    def part(self) -> int | None:
        """This field's position among the values of an option shared with other fields, or None."""
        return self.meta.get("part")

    @property
    def inverted(self) -> bool:
        """True for a bool set off by its only flag (``--no-flip`` stores True, the field becomes False)."""
        return "off_flag" in self.meta and not self.flags

    @property
    def flag(self) -> str:
        """How the command line names the parameter in messages: the long flag, or the positional's name."""
        strings = self.flags or ((self.meta["off_flag"],) if self.inverted else (self.field.name,))
        return next((s for s in strings if s.startswith("--")), strings[0])

    @property
    def dest(self) -> str:
        """The attribute of the parsed namespace, as argparse derives it from the flag."""
        return self.flag.lstrip("-").replace("-", "_")


def _hints(cls: type) -> dict[str, Any]:
    return typing.get_type_hints(cls)


def _without_none(hint: Any) -> Any:
    """``int | None`` -> ``int``; other annotations unchanged."""
    if typing.get_origin(hint) in (typing.Union, types.UnionType):
        args = [a for a in typing.get_args(hint) if a is not type(None)]
        if len(args) == 1:
            return args[0]
    return hint


def _nested(hint: Any) -> type | None:
    return hint if isinstance(hint, type) and dataclasses.is_dataclass(hint) else None


def field_options(cls: type, prefix: str = "") -> dict[str, FieldOption]:
    """Every field of a config dataclass, nested configs' fields included, by dotted path.

    Args:
        cls: A dataclass.
        prefix: Prepended to each path (used for nested configs).

    Returns:
        ``{path: FieldOption}`` in declaration order; a nested config's own field is not listed, its fields are.
    """
    hints = _hints(cls)
    found: dict[str, FieldOption] = {}
    for f in dataclasses.fields(cls):
        nested = _nested(hints[f.name])
        if nested is not None:
            found.update(field_options(nested, f"{prefix}{f.name}."))
        else:
            found[prefix + f.name] = FieldOption(prefix + f.name, f, hints[f.name])
    return found


def _argparse_kwargs(opt: FieldOption, parts: list[FieldOption]) -> dict[str, Any]:
    """Type, nargs, default, choices and metavar of a non-bool field (of all ``parts`` when it shares its flag)."""
    hint = _without_none(opt.hint)
    kwargs: dict[str, Any] = {}
    if typing.get_origin(hint) is tuple:
        item_types = typing.get_args(hint)
        variable = len(item_types) == 2 and item_types[1] is Ellipsis  # tuple[str, ...]
        kwargs["nargs"] = "+" if variable else len(item_types)
        hint = item_types[0]
    if "unit" in opt.meta:
        hint = float
    if hint in (int, float):
        kwargs["type"] = hint
    elif hint is not str:
        raise TypeError(f"{opt.path}: no command-line type for {opt.hint!r}")
    default = opt.default
    if parts:
        kwargs["nargs"] = len(parts)
        default = [p.default for p in parts]
    elif "unit" in opt.meta and default is not dataclasses.MISSING:
        default = default / opt.meta["unit"]
    if default is not dataclasses.MISSING:
        kwargs["default"] = list(default) if isinstance(default, tuple) else default
    elif opt.flags:
        kwargs["required"] = True
    for key in ("choices", "metavar"):
        if key in opt.meta:
            value = opt.meta[key]
            kwargs[key] = list(value) if key == "choices" else value
    return kwargs


def _parts(options: dict[str, FieldOption], opt: FieldOption) -> list[FieldOption]:
    """The fields that share ``opt``'s flag as parts of one option, by part; empty when ``opt`` has no part."""
    if opt.part is None:
        return []
    parts = sorted((o for o in options.values() if o.part is not None and o.flag == opt.flag), key=lambda o: o.part or 0)
    if [o.part for o in parts] != list(range(len(parts))):
        raise TypeError(f"{opt.flag}: parts {[o.part for o in parts]} of {[o.path for o in parts]} are not 0, 1, ...")
    return parts


def add_field_options(parser: argparse.ArgumentParser, cls: type, names: typing.Iterable[str],
                      helps: typing.Mapping[str, str] | None = None) -> None:
    """Add one argparse option per named field of a config dataclass, in the order given.

    Types come from the annotations (``nargs`` for tuples), defaults and help from the fields, and
    the spelling from the metadata described in this module's docstring. The parser also records
    the options' flags by parameter (namespace attribute :data:`PARAM_FLAGS`) for :func:`cli_message`.

    Args:
        parser: The command's parser.
        cls: The config dataclass.
        names: Field paths (``lr``, ``augment.color_jitter``) of the options this command offers.
        helps: Help texts by field path that replace the fields' own in this command (one dataclass
            offered by two commands that word an option differently).

    Raises:
        KeyError: A name that is not a field of ``cls``.
        TypeError: A field whose type has no command-line form.
    """
    options = field_options(cls)
    flags = dict(parser.get_default(PARAM_FLAGS) or {})
    added: set[str] = set()
    for name in names:
        opt = options[name]
        parts = _parts(options, opt)
        if parts:
            if opt.flag in added:
                continue
            opt = parts[0]
            flags.update((p.path, p.flag) for p in parts)
        added.add(opt.flag)
        meta = opt.meta
        help_text = (helps or {}).get(opt.path, meta["help"])
        if opt.hint is bool or _without_none(opt.hint) is bool:
            if opt.default is True and "off_flag" in meta:
                if opt.flags:  # --pretrained / --scratch
                    group = parser.add_mutually_exclusive_group()
                    group.add_argument(*opt.flags, dest=opt.dest, action="store_true", default=True, help=help_text)
                    group.add_argument(meta["off_flag"], dest=opt.dest, action="store_false", help=meta["off_help"])
                else:  # --no-flip
                    parser.add_argument(meta["off_flag"], action="store_true", help=help_text)
            elif opt.default is False:
                parser.add_argument(*opt.flags, action="store_true", help=help_text)
            else:
                raise TypeError(f"{opt.path}: a bool defaulting to {opt.default!r} needs metadata off_flag")
        else:
            parser.add_argument(*(opt.flags or (opt.field.name,)), help=help_text, **_argparse_kwargs(opt, parts))
        flags[opt.path] = opt.flag
    parser.set_defaults(**{PARAM_FLAGS: flags})


def _values(cls: type, args: argparse.Namespace, prefix: str = "") -> dict[str, Any]:
    """The fields of ``cls`` (nested configs built recursively) that the namespace holds."""
    hints = _hints(cls)
    options = field_options(cls, prefix)
    values: dict[str, Any] = {}
    for f in dataclasses.fields(cls):
        nested = _nested(hints[f.name])
        if nested is not None:
            sub = _values(nested, args, f"{prefix}{f.name}.")
            if sub:
                values[f.name] = nested(**sub)
            continue
        opt = options[prefix + f.name]
        if not hasattr(args, opt.dest):
            continue
        value = getattr(args, opt.dest)
        if opt.part is not None:
            value = value[opt.part]
        if "unit" in opt.meta:
            value = value * opt.meta["unit"]
            value = int(value) if _without_none(opt.hint) is int else value
        if opt.inverted:
            value = not value
        elif isinstance(value, list) and typing.get_origin(_without_none(opt.hint)) is tuple:
            value = tuple(value)
        values[f.name] = value
    return values


def config_from_args(cls: type[T], args: argparse.Namespace, **overrides: Any) -> T:
    """Build a config dataclass from a parsed namespace; fields the command does not offer keep their defaults.

    Args:
        cls: The config dataclass.
        args: The namespace of a parser that got options from :func:`add_field_options`.
        **overrides: Field values that win over the namespace.

    Returns:
        An instance of ``cls``.
    """
    return cls(**{**_values(cls, args), **overrides})


def cli_message(exc: Exception, flags: typing.Mapping[str, str]) -> str:
    """A library error's message with its leading parameter name replaced by the command line's flag.

    A :class:`ParamError` names its parameter (``exc.param``); other library errors that concern one
    parameter start with its name and a colon (``classes: ...``).

    Args:
        exc: The error.
        flags: ``{parameter: flag}`` of the command (namespace attribute :data:`PARAM_FLAGS`).

    Returns:
        ``--lr must be positive; got 0.0`` for ``ParamError("lr", "lr must be positive; got 0.0")``,
        ``--walkable: unknown class ...`` for ``UnknownNameError("walkable: unknown class ...")``;
        the message unchanged when it names no option of the command.
    """
    message = str(exc)
    if isinstance(exc, ParamError):
        param = exc.param
    else:
        match = re.match(r"([a-z_][a-z0-9_.]*):", message)
        param = match.group(1) if match else ""
    flag = flags.get(param)
    if not param or flag is None or not message.startswith(param):
        return message
    return flag + message[len(param):]


def option_flags(parser: argparse.ArgumentParser) -> dict[str, str]:
    """``{dest: flag}`` of every option of ``parser`` (its first long flag), for :func:`cli_message`."""
    flags = {}
    for action in parser._actions:  # argparse keeps no public list of a parser's actions
        longs = [s for s in action.option_strings if s.startswith("--")]
        if longs and action.dest not in ("help", PARAM_FLAGS):
            flags[action.dest] = longs[0]
    return flags


def add_option_flags(parser: argparse.ArgumentParser) -> None:
    """Give every command below ``parser`` the ``{parameter: flag}`` map of all its options.

    The options built from config fields already map their (possibly nested) parameter names; the
    hand-written options add theirs, so that ``classes: ...`` from the pipeline prints as ``--classes: ...``.
    """
    for action in parser._actions:
        if isinstance(action, argparse._SubParsersAction):
            for sub in dict.fromkeys(action.choices.values()):
                add_option_flags(sub)
    if not any(isinstance(a, argparse._SubParsersAction) for a in parser._actions):
        parser.set_defaults(**{PARAM_FLAGS: {**option_flags(parser), **(parser.get_default(PARAM_FLAGS) or {})}})
