"""Small Python-`ast` helpers shared by the Python extractors."""
from __future__ import annotations

import ast


def dotted(node: ast.AST | None, *, through_calls: bool = False) -> str | None:
    """`os.environ.get` for Attribute(Attribute(Name('os'), 'environ'), 'get'); None for anything else.
    With through_calls, a call in the chain is kept as `()`: `boto3.client().put_object`."""
    parts = []
    while isinstance(node, ast.Attribute):
        parts.append(node.attr)
        node = node.value
    if isinstance(node, ast.Name):
        parts.append(node.id)
        return ".".join(reversed(parts))
    if through_calls and isinstance(node, ast.Call):
        inner = dotted(node.func, through_calls=True)
        return (inner + "()" + ("." + ".".join(reversed(parts)) if parts else "")) if inner else None
    return None


def const_str(node: ast.AST | None) -> str | None:
    return node.value if isinstance(node, ast.Constant) and isinstance(node.value, str) else None


def keyword(call: ast.Call, name: str) -> ast.AST | None:
    return next((k.value for k in call.keywords if k.arg == name), None)
