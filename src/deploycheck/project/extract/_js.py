"""Small tree-sitter helpers shared by the JavaScript/TypeScript extractors."""
from __future__ import annotations

import re

import tree_sitter as ts

from deploycheck.project.parse import FileContext, shared_captures

# Every function node of a file (one capture list, shared by the routes and calls extractors).
FUNCTIONS_QUERY = shared_captures("js-index", "[(function_declaration) (function_expression) (arrow_function) "
                                              "(method_definition) (generator_function_declaration) "
                                              "(generator_function)] @fn")

FUNCTION_TYPES = frozenset({
    "function_declaration", "function_expression", "arrow_function", "method_definition",
    "generator_function_declaration", "generator_function", "function",
})
# Calls that only convert a value: `Number(process.env.PORT) || 3000` still has a default.
_CONVERTERS = frozenset({"Number", "parseInt", "parseFloat", "String", "Boolean", "JSON.parse", "BigInt"})
_DEV_KEYS = frozenset({"development", "dev", "test", "testing", "local", "localhost"})
_DEV_TEST = re.compile(
    r"(NODE_ENV|_ENV|ENVIRONMENT|MODE)\s*(!==?\s*['\"`]production|===?\s*['\"`](development|dev|test|local))"
    r"|===?\s*['\"`](localhost|127\.0\.0\.1)['\"`]|['\"`](localhost|127\.0\.0\.1)['\"`]\s*===?"
    r"|(?<![\w.])(isDev|isDevelopment|isLocal|IS_DEV|__DEV__|dev|import\.meta\.env\.DEV)\b(?!\s*[=:])"
    r"|import\.meta\.env\.MODE\s*===?\s*['\"`]development"
    # only in CI: `if (process.env.CI)`, `process.env.GITHUB_ACTIONS === 'true'` (not `!process.env.CI`)
    r"|(?<!!)(?<!!\s)process\.env\.(CI|GITHUB_ACTIONS|GITHUB_WORKFLOW|GITLAB_CI|CIRCLECI|TRAVIS|BUILDKITE|JEST_WORKER_ID|VITEST)\b"
    r"(?!\s*(!==?|===?\s*['\"`](false|0)))")
_PROD_TEST = re.compile(
    r"(NODE_ENV|_ENV|ENVIRONMENT|MODE)\s*(===?\s*['\"`](production|prod|preview|staging)|!==?\s*['\"`](development|dev))"
    r"|process\.env\.(VERCEL|NETLIFY|RENDER|FLY_APP_NAME|RAILWAY_ENVIRONMENT\w*|DYNO|K_SERVICE|AWS_LAMBDA_FUNCTION_NAME)\b"
    r"|(?<![\w.])(isProd|isProduction|IS_PROD|import\.meta\.env\.PROD)\b(?!\s*[=:])")


def string_value(ctx: FileContext, node: ts.Node) -> str | None:
    """The value of a string literal, or of a template literal with `${…}` kept as written."""
    if node.type == "string":
        text = ctx.node_text(node)
        return text[1:-1] if len(text) >= 2 else ""
    if node.type == "template_string":
        text = ctx.node_text(node)
        return text[1:-1] if len(text) >= 2 else ""
    return None


def literal_text(ctx: FileContext, node: ts.Node) -> str | None:
    """Literal value of a string/template/number/boolean node, else None."""
    if node.type in ("string", "template_string"):
        return string_value(ctx, node)
    if node.type in ("number", "true", "false", "null"):
        return ctx.node_text(node)
    return None


def skip_wrappers_up(node: ts.Node) -> ts.Node:
    """Climb out of parentheses, `as`/`!` casts and value converters (Number(...), parseInt(...))."""
    while node.parent is not None:
        parent = node.parent
        if parent.type in ("parenthesized_expression", "as_expression", "non_null_expression",
                           "satisfies_expression", "type_assertion"):
            node = parent
            continue
        if parent.type == "arguments" and parent.parent is not None and parent.parent.type == "call_expression":
            call = parent.parent
            fn = call.child_by_field_name("function")
            if fn is not None and fn.text is not None and fn.text.decode("utf-8", "replace") in _CONVERTERS \
                    and parent.named_child_count >= 1 and parent.named_children[0] == node:
                node = call
                continue
        break
    return node


def default_of(ctx: FileContext, node: ts.Node) -> tuple[bool, ts.Node | None]:
    """(has_default, default_node) when `node` is the left side of `||`/`??` (after wrappers)."""
    top = skip_wrappers_up(node)
    parent = top.parent
    if parent is not None and parent.type == "binary_expression":
        op = parent.child_by_field_name("operator")
        left = parent.child_by_field_name("left")
        if op is not None and op.type in ("||", "??") and left is not None and left == top:
            return True, parent.child_by_field_name("right")
    if parent is not None and parent.type == "ternary_expression":
        cond = parent.child_by_field_name("condition")
        if cond is not None and cond == top:
            return True, parent.child_by_field_name("alternative")
    if parent is not None and parent.type == "assignment_pattern":  # function param default
        return True, parent.child_by_field_name("right")
    return False, None


def is_condition(node: ts.Node) -> bool:
    """Read only to test presence or compare: `if (process.env.X)`, `process.env.X === 'true'`,
    `Boolean(process.env.X)`, `if (process.env.A || process.env.B)`."""
    if _boolean_call(node):
        return True
    top = skip_wrappers_up(node)
    parent = top.parent
    if parent is None:
        return False
    # climb `A || B` / `A && B` / `!A` / `( … )` inside a condition: every operand is tested
    cond_top, cp = top, parent
    while cp is not None and (cp.type == "parenthesized_expression" or (cp.type == "unary_expression" and cp.child(0)
                              is not None and cp.child(0).type == "!") or (cp.type == "binary_expression" and
                              cp.child_by_field_name("operator") is not None and
                              cp.child_by_field_name("operator").type in ("||", "&&"))):
        cond_top, cp = cp, cp.parent
    if cond_top is not top and cp is not None and cp.type in ("if_statement", "while_statement", "do_statement",
                                                                "ternary_expression") \
            and cp.child_by_field_name("condition") == cond_top:
        return True
    if parent.type == "binary_expression":
        op = parent.child_by_field_name("operator")
        if op is not None and op.type in ("===", "!==", "==", "!=", "&&"):
            return True
    if parent.type == "unary_expression" and parent.child(0) is not None and parent.child(0).type == "!":
        return True
    if parent.type in ("parenthesized_expression",) and parent.parent is not None and \
            parent.parent.type in ("if_statement", "while_statement"):
        return True
    if parent.type in ("if_statement", "while_statement", "do_statement") and \
            parent.child_by_field_name("condition") == top:
        return True   # `if (process.env.X)`: the parentheses were climbed above
    if parent.type == "ternary_expression" and parent.child_by_field_name("condition") == top:
        return True
    return False


def _boolean_call(node: ts.Node) -> bool:
    """`Boolean(process.env.X)`: a presence test whatever the value."""
    parent = node.parent
    if parent is None or parent.type != "arguments" or parent.named_child_count != 1:
        return False
    call = parent.parent
    fn = call.child_by_field_name("function") if call is not None and call.type == "call_expression" else None
    return fn is not None and fn.text is not None and fn.text.decode("utf-8", "replace") == "Boolean"


def enclosing_function(node: ts.Node) -> ts.Node | None:
    n = node.parent
    while n is not None:
        if n.type in FUNCTION_TYPES:
            return n
        n = n.parent
    return None


def function_name(ctx: FileContext, fn: ts.Node) -> str | None:
    name = fn.child_by_field_name("name")
    if name is not None:
        return ctx.node_text(name)
    parent = fn.parent
    if parent is not None and parent.type == "variable_declarator":
        n = parent.child_by_field_name("name")
        return ctx.node_text(n) if n is not None else None
    if parent is not None and parent.type == "pair":
        k = parent.child_by_field_name("key")
        return ctx.node_text(k).strip("'\"") if k is not None else None
    if parent is not None and parent.type == "assignment_expression":
        left = parent.child_by_field_name("left")
        return ctx.node_text(left) if left is not None else None
    return None


def in_dev_context(ctx: FileContext, node: ts.Node) -> bool:
    """Inside a development-only branch or a `development:`/`test:` config section."""
    child, n = node, node.parent
    while n is not None:
        if n.type == "pair":
            key = n.child_by_field_name("key")
            value = n.child_by_field_name("value")
            if key is not None and value is not None and value == child and \
                    ctx.node_text(key).strip("'\"`").lower() in _DEV_KEYS:
                return True
        elif n.type in ("if_statement", "ternary_expression"):
            cond = n.child_by_field_name("condition")
            if cond is not None and cond != child:
                text = ctx.node_text(cond)
                conseq = n.child_by_field_name("consequence")
                alt = n.child_by_field_name("alternative")
                if conseq is not None and _within(child, conseq) and _DEV_TEST.search(text):
                    return True
                if alt is not None and _within(child, alt) and _PROD_TEST.search(text):
                    return True
        elif n.type == "binary_expression":
            op = n.child_by_field_name("operator")
            left = n.child_by_field_name("left")
            if op is not None and op.type == "&&" and left is not None and left != child and \
                    _DEV_TEST.search(ctx.node_text(left)):
                return True
        child, n = n, n.parent
    return False


def _within(node: ts.Node, ancestor: ts.Node) -> bool:
    return ancestor.start_byte <= node.start_byte and node.end_byte <= ancestor.end_byte


def is_parameter_default(node: ts.Node) -> bool:
    """`function f(url = '…')` or `({ url = '…' }) =>`: a default of a parameter, not a value in use."""
    parent = node.parent
    if parent is None or parent.type not in ("assignment_pattern", "object_assignment_pattern"):
        return False
    n = parent.parent
    while n is not None and n.type in ("object_pattern", "array_pattern", "pair_pattern", "assignment_pattern",
                                       "required_parameter", "optional_parameter"):
        n = n.parent
    return n is not None and n.type == "formal_parameters"


def callee_of_argument(ctx: FileContext, node: ts.Node, max_depth: int = 4) -> str | None:
    """The callee text of the call that `node` is (possibly nested) an argument of."""
    n, depth = node, 0
    while n.parent is not None and depth < max_depth:
        parent = n.parent
        if parent.type == "arguments" and parent.parent is not None and parent.parent.type in ("call_expression", "new_expression"):
            call = parent.parent
            fn = call.child_by_field_name("function") or call.child_by_field_name("constructor")
            return ctx.node_text(fn) if fn is not None else None
        if parent.type in ("statement_block", "program", "class_body") or parent.type in FUNCTION_TYPES:
            return None
        n, depth = parent, depth + 1
    return None


def key_of(ctx: FileContext, node: ts.Node) -> str | None:
    """The property, variable or assignment target a value (after wrappers) is bound to."""
    top = node
    # climb out of `a || 'x'` so the key of the whole expression counts
    while top.parent is not None and top.parent.type in ("binary_expression", "parenthesized_expression",
                                                          "ternary_expression", "as_expression", "array"):
        top = top.parent
    parent = top.parent
    if parent is None:
        return None
    if parent.type == "pair":
        k = parent.child_by_field_name("key")
        return ctx.node_text(k).strip("'\"`") if k is not None else None
    if parent.type == "variable_declarator":
        k = parent.child_by_field_name("name")
        return ctx.node_text(k) if k is not None else None
    if parent.type in ("assignment_expression", "augmented_assignment_expression"):
        k = parent.child_by_field_name("left")
        return ctx.node_text(k).rsplit(".", 1)[-1] if k is not None else None
    if parent.type in ("public_field_definition", "field_definition"):
        k = parent.child_by_field_name("name") or parent.child_by_field_name("property")
        return ctx.node_text(k) if k is not None else None
    return None
