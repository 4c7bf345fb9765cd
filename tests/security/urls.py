"""Every URL pattern the resolver knows, as (route, name), and how to fill in its arguments."""

from __future__ import annotations

import re

from django.urls import URLPattern, URLResolver, get_resolver

ANY_KWARG = re.compile(r"<(?:(\w+):)?(\w+)>|\(\?P<(\w+)>[^)]*\)")


def url_patterns() -> list[tuple[str, str]]:
    """(route, name) for every pattern, walking includes; a name carries its namespaces."""

    def walk(patterns, prefix: str, namespace: str):
        for pattern in patterns:
            if isinstance(pattern, URLResolver):
                inner = namespace + (f"{pattern.namespace}:" if pattern.namespace else "")
                yield from walk(pattern.url_patterns, prefix + str(pattern.pattern), inner)
            elif isinstance(pattern, URLPattern):
                name = f"{namespace}{pattern.name}" if pattern.name else ""
                yield prefix + str(pattern.pattern), name

    return list(walk(get_resolver().url_patterns, "", ""))


def fill(route: str, values: dict[str, object]) -> str:
    """The path for a route with its arguments filled from `values` (unknown ones: "1")."""

    def replace(match: re.Match) -> str:
        name = match.group(2) or match.group(3)
        return str(values.get(name, "1"))

    path = ANY_KWARG.sub(replace, route)
    path = path.replace("^", "").replace("$", "")
    return "/" + path


def is_regex_free(route: str) -> bool:
    return not any(ch in route for ch in "^$()[]\\")
