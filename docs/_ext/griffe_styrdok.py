"""A griffe extension for styrdok's API reference (mkdocs.yml loads it).

Two things griffe's static analysis cannot know:

* ``Registry`` binds use-case functions as methods (``add_document =
  documents.add_document``). Griffe sees class attributes; this turns each into a method
  with the function's signature (the registry parameter becomes ``self``) and docstring.
* The docstrings are prose with Sphinx roles (``:class:`~styrdok.errors.Conflict```) and
  reStructuredText literal blocks (``Example::``). Roles become cross-references (a plain
  code span where the target is not on the site); ``::`` becomes ``:`` before the block.
"""

from __future__ import annotations

import re
from typing import Any

import griffe

FACADE = "styrdok.registry.Registry"

_ROLE = re.compile(r":(?:class|func|meth|mod|data|attr|exc|obj):`(~?)([^`<]+?)`")


class StyrdokDocs(griffe.Extension):
    """Bind the facade's methods and turn Sphinx markup into Markdown."""

    def on_package(self, *, pkg: griffe.Module, **kwargs: Any) -> None:
        """Once the package is loaded: rewrite docstrings, then bind the facade."""
        if pkg.name != "styrdok":
            return
        for obj in _walk(pkg):
            if obj.docstring is not None:
                obj.docstring.value = _markdown(obj.docstring.value, obj)
        _bind_facade(pkg.modules_collection[FACADE])


def _walk(obj: griffe.Object) -> list[griffe.Object]:
    """``obj`` and everything defined in it (not what it imports)."""
    found = [obj]
    for member in obj.members.values():
        if isinstance(member, griffe.Object):
            found.extend(_walk(member))
    return found


def _bind_facade(facade: griffe.Class) -> None:
    for name, member in list(facade.members.items()):
        target = _bound_function(facade, member)
        if target is None:
            continue
        parameters = list(target.parameters)
        if parameters:
            first = parameters[0]
            parameters[0] = griffe.Parameter(
                "self", kind=first.kind, annotation=None, default=first.default
            )
        method = griffe.Function(
            name,
            lineno=member.lineno,
            endlineno=member.endlineno,
            parameters=griffe.Parameters(*parameters),
            returns=target.returns,
            parent=facade,
        )
        if target.docstring is not None:
            method.docstring = griffe.Docstring(
                target.docstring.value,
                lineno=target.docstring.lineno,
                parent=method,
                parser=target.docstring.parser,
                parser_options=target.docstring.parser_options,
            )
        facade.set_member(name, method)


def _bound_function(facade: griffe.Class, member: Any) -> griffe.Function | None:
    """The module function a class attribute ``name = module.function`` binds, if any."""
    if member.is_alias or not member.is_attribute:
        return None
    value = member.value
    if not isinstance(value, griffe.ExprAttribute):
        return None
    first, *rest = str(value).split(".")
    try:
        # Resolved in the module, not the class: ``questions = questions.questions``.
        path = ".".join([facade.module.resolve(first), *rest])
        target = facade.modules_collection[path]
    except (griffe.NameResolutionError, KeyError):
        return None
    return target if isinstance(target, griffe.Function) else None


def _markdown(text: str, obj: griffe.Object) -> str:
    text = re.sub(r"(?m)^[ \t]*::[ \t]*$", "", text)  # a lone "::" introduces a block
    text = re.sub(r"(?m)(\S)::[ \t]*$", r"\1:", text)

    def role(match: re.Match[str]) -> str:
        short, name = match.group(1) == "~", match.group(2).strip()
        title = name.rsplit(".", 1)[-1] if short else name
        return f'<autoref identifier="{_target(name, obj)}" optional><code>{title}</code></autoref>'

    return _ROLE.sub(role, text)


def _target(name: str, obj: griffe.Object) -> str:
    if name.startswith("styrdok."):
        return name
    first, *rest = name.split(".")
    scope: griffe.Object | None = obj
    while scope is not None:
        try:
            return ".".join([scope.resolve(first), *rest])
        except griffe.NameResolutionError:
            scope = scope.parent
    return name
