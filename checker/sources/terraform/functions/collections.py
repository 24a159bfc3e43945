"""Collection functions: lists, maps, sets, in Terraform's order and with
Terraform's errors (negative `element` index, `one` of two, …)."""

from __future__ import annotations

from typing import Any

from checker.sources.terraform.functions.core import (
    EvalError,
    NotEvaluatedError,
    TfSet,
    as_bool,
    as_int,
    as_list,
    as_map,
    as_number,
    as_string,
    equal,
    graphemes_are_code_points,
    is_number,
    make_set,
    set_key,
    sorted_dict,
    to_str,
    type_name,
)

MAX_ITEMS = 1 << 20


def _within(n: int, what: str = "list") -> None:
    if n > MAX_ITEMS:
        from checker.sources.terraform.functions import TooLargeError

        raise TooLargeError(f"a {what} of more than {MAX_ITEMS:,} items")


def length(v: Any) -> int:
    if isinstance(v, str):
        if not graphemes_are_code_points(v):
            raise NotEvaluatedError("length() of text with multi-code-point grapheme clusters")
        return len(v)
    if isinstance(v, (list, dict)):
        return len(v)
    raise EvalError(f"length: a collection or string is required, got {type_name(v)}")


def element(li: Any, i: Any) -> Any:
    items = as_list(li)
    idx = as_int(i, "index")
    if isinstance(li, TfSet):
        raise EvalError("element: a set has no index")
    if not items:
        raise EvalError("element: the list is empty")
    # Terraform wraps with Go's remainder, whose sign is the index's: a
    # negative index works only when it is a multiple of the length.
    r = idx - len(items) * int(idx / len(items)) if abs(idx) < 2**53 else idx % len(items)
    if r < 0:
        raise EvalError("element: a negative index is not allowed")
    return items[r]


def index_(li: Any, v: Any) -> int:
    if isinstance(li, TfSet):
        raise EvalError("index: a set has no index; convert it with tolist()")
    for i, x in enumerate(as_list(li)):
        if equal(x, v):
            return i
    raise EvalError("index: the item is not in the list")


def contains(li: Any, v: Any) -> bool:
    return any(equal(x, v) for x in as_list(li))


def concat(*lists: Any) -> list[Any]:
    _within(sum(len(li) for li in lists if isinstance(li, list)))
    out: list[Any] = []
    for li in lists:
        if isinstance(li, TfSet):
            raise EvalError("concat takes lists or tuples, not a set")
        out.extend(as_list(li, "concat argument"))
    return out


def flatten(li: Any) -> list[Any]:
    out: list[Any] = []

    def walk(x: list[Any]) -> None:
        for i in x:
            if isinstance(i, list):
                walk(i)
            else:
                out.append(i)
            if len(out) > MAX_ITEMS:
                _within(len(out))

    walk(as_list(li))
    return out


def unify(items: list[Any]) -> list[Any]:
    """A tuple passed where Terraform wants a list: strings, numbers and
    bools together all become strings, as Terraform's conversion does."""
    kinds = {type_name(i) for i in items if i is not None}
    if len(kinds) > 1 and kinds <= {"string", "number", "bool"}:
        return [to_str(i) if i is not None else None for i in items]
    return items


def distinct(li: Any) -> list[Any]:
    out: list[Any] = []
    seen: set[Any] = set()
    for i in unify(as_list(li)):
        k = set_key(i)
        if k not in seen:
            seen.add(k)
            out.append(i)
    return out


def reverse(li: Any) -> list[Any]:
    return list(reversed(as_list(li)))


def sort(li: Any) -> list[str]:
    items = [as_string(i, "sort element") for i in as_list(li)]
    return sorted(items, key=lambda s: s.encode())


def slice_(li: Any, start: Any, end: Any) -> list[Any]:
    if isinstance(li, TfSet):
        raise EvalError("slice: a set has no order; convert it with tolist()")
    items = as_list(li)
    s, e = as_int(start, "start"), as_int(end, "end")
    if s < 0 or e > len(items) or s > e:
        raise EvalError("slice: index out of range")
    return items[s:e]


def compact(li: Any) -> list[str]:
    return [as_string(i) for i in as_list(li) if i is not None and i != ""]


def coalesce(*args: Any) -> Any:
    for a in args:
        if a is not None and a != "":
            kinds = {type_name(x) for x in args if x is not None}
            if len(kinds) > 1 and kinds <= {"string", "number", "bool"}:
                return to_str(a)
            return a
    raise EvalError("coalesce: no non-null, non-empty argument")


def coalescelist(*args: Any) -> Any:
    if any(isinstance(a, TfSet) for a in args):
        raise EvalError("coalescelist takes lists or tuples, not a set")
    for a in args:
        if len(as_list(a)) > 0:
            return a
    raise EvalError("coalescelist: no non-empty list")


def keys(m: Any) -> list[str]:
    return sorted(as_map(m))


def values(m: Any) -> list[Any]:
    d = as_map(m)
    return [d[k] for k in sorted(d)]


def lookup(m: Any, key: Any, *default: Any) -> Any:
    d = as_map(m)
    k = as_string(key, "key")
    if k in d:
        return d[k]
    if len(default) == 1:
        return default[0]
    if default:
        raise EvalError("lookup takes two or three arguments")
    raise EvalError(f'lookup: the map has no key "{k}" and no default is given')


def merge(*maps: Any) -> dict[str, Any]:
    _within(sum(len(m) for m in maps if isinstance(m, dict)), "map")
    out: dict[str, Any] = {}
    for m in maps:
        if m is None:
            continue
        out.update(as_map(m, "merge argument"))
    return sorted_dict(out.items())


def zipmap(ks: Any, vs: Any) -> dict[str, Any]:
    kl, vl = as_list(ks), as_list(vs)
    if len(kl) != len(vl):
        raise EvalError("zipmap: the lists have different lengths")
    out: dict[str, Any] = {}
    for k, v in zip(kl, vl, strict=True):
        out[as_string(k, "key")] = v
    return sorted_dict(out.items())


def one(li: Any) -> Any:
    items = as_list(li)
    if len(items) > 1:
        raise EvalError("one: the list has more than one element")
    return items[0] if items else None


def range_(*args: Any) -> list[Any]:
    nums: list[Any] = [as_number(a) for a in args]
    if len(nums) == 1:
        start, end, step = 0, nums[0], 1  # type: Any, Any, Any
    elif len(nums) == 2:
        start, end, step = nums[0], nums[1], (1 if nums[1] >= nums[0] else -1)
    elif len(nums) == 3:
        start, end, step = nums
    else:
        raise EvalError("range takes one to three arguments")
    if step == 0:
        raise EvalError("range: step must not be zero")
    if (step > 0 and start > end) or (step < 0 and start < end):
        raise EvalError("range: step goes away from the end")
    out: list[Any] = []
    x = start
    while (x < end) if step > 0 else (x > end):
        out.append(x)
        x = x + step
        _within(len(out))
    return out


def chunklist(li: Any, size: Any) -> list[list[Any]]:
    items = as_list(li)
    n = as_int(size)
    if n < 0:
        raise EvalError("chunklist: size must not be negative")
    if n == 0:
        return [items]
    return [items[i : i + n] for i in range(0, len(items), n)]


def sum_(li: Any) -> Any:
    items = as_list(li)
    if not items:
        raise EvalError("sum: the list is empty")
    from checker.sources.terraform.functions.core import num

    total: Any = 0
    for i in items:
        total = num(total + as_number(i))
    return total


def alltrue(li: Any) -> bool:
    return all(as_bool(i) for i in as_list(li))


def anytrue(li: Any) -> bool:
    return any(as_bool(i) for i in as_list(li))


def transpose(m: Any) -> dict[str, list[str]]:
    out: dict[str, list[str]] = {}
    for k, li in sorted(as_map(m).items()):
        for v in as_list(li):
            out.setdefault(as_string(v), []).append(k)
    return sorted_dict(out.items())


def matchkeys(vals: Any, ks: Any, search: Any) -> list[Any]:
    vl, kl = as_list(vals), as_list(ks)
    if len(vl) != len(kl):
        raise EvalError("matchkeys: the lists have different lengths")
    wanted = as_list(search)
    return [v for v, k in zip(vl, kl, strict=True) if any(equal(k, s) for s in wanted)]


def setunion(*sets: Any) -> TfSet:
    return make_set(i for s in sets for i in as_list(s))


def setintersection(first: Any, *rest: Any) -> TfSet:
    items = list(make_set(as_list(first)))
    for r in rest:
        other = {set_key(i) for i in as_list(r)}
        items = [i for i in items if set_key(i) in other]
    return make_set(items)


def setsubtract(a: Any, b: Any) -> TfSet:
    other = {set_key(i) for i in as_list(b)}
    return make_set(i for i in as_list(a) if set_key(i) not in other)


def setproduct(*sets: Any) -> list[list[Any]]:
    out: list[list[Any]] = [[]]
    for s in sets:
        out = [[*o, i] for o in out for i in as_list(s)]
        _within(len(out))
    if any(isinstance(s, TfSet) for s in sets):
        raise NotEvaluatedError("the order of setproduct() over sets")
    return out


def tolist(v: Any) -> Any:
    if v is None:
        return None
    items = as_list(v)
    kinds = {type_name(i) for i in items if i is not None}
    if len(kinds) > 1:
        if kinds <= {"string", "number", "bool"}:
            return [to_str(i) if i is not None else None for i in items]
        raise EvalError("tolist: the elements have different types")
    return list(items)


def toset(v: Any) -> Any:
    if v is None:
        return None
    return make_set(as_list(v))


def tomap(v: Any) -> Any:
    if v is None:
        return None
    d = as_map(v)
    kinds = {type_name(i) for i in d.values() if i is not None}
    if len(kinds) > 1:
        if kinds <= {"string", "number", "bool"}:
            return sorted_dict((k, to_str(x) if x is not None else None) for k, x in d.items())
        raise EvalError("tomap: the values have different types")
    return sorted_dict(d.items())


def min_(*args: Any) -> Any:
    if not args:
        raise EvalError("min needs at least one argument")
    return min(as_number(a) for a in args)


def max_(*args: Any) -> Any:
    if not args:
        raise EvalError("max needs at least one argument")
    return max(as_number(a) for a in args)


__all__ = ["is_number"]
