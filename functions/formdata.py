"""HTML form posts → the same nested dictionaries the JSON API takes.

Field names are dotted paths ("contact.mobile", "answers.role"); empty fields are left out, as
the JSON forms script leaves them out; repeated names (checkboxes) become lists.
"""

from __future__ import annotations

import hashlib
from urllib.parse import parse_qsl

from functions.domain.errors import MalformedRequest

CONTROL_FIELDS = ("idempotency_key", "website")
MAX_FIELDS = 200      # a long survey of checkboxes stays well below this
MAX_NAME = 100        # characters in a field name
MAX_DEPTH = 3         # "answers.q1" and "contact.mobile" are two parts


def read_pairs(body: str, max_fields: int = MAX_FIELDS) -> list[tuple[str, str]]:
    """The (name, value) pairs of a form body, or MalformedRequest if there are too many."""
    try:
        return parse_qsl(body, keep_blank_values=True, max_num_fields=max_fields)
    except ValueError:
        raise MalformedRequest(f"表单项过多（上限 {max_fields} 项），无法处理") from None


def parse_form(body: str, list_fields: frozenset[str] = frozenset()) -> tuple[dict, dict[str, str]]:
    """(nested data, control fields). `list_fields` are always lists even with one value. A body no
    form of the site could have sent (too many fields, odd names) is a MalformedRequest."""
    flat: dict[str, list[str]] = {}
    for name, value in read_pairs(body):
        if len(name) > MAX_NAME or name.count(".") >= MAX_DEPTH or "" in name.split("."):
            raise MalformedRequest("表单内容无法识别，请刷新页面后重新填写")
        flat.setdefault(name, []).append(value)
    control = {name: flat.pop(name, [""])[0] for name in CONTROL_FIELDS}
    data: dict = {}
    for name, values in flat.items():
        values = [v for v in values if v != ""]
        if not values:
            continue
        *parents, leaf = name.split(".")
        node = data
        for part in parents:
            node = node.setdefault(part, {})
            if not isinstance(node, dict):  # "contact=x&contact.name=y": a value and a group at once
                raise MalformedRequest("表单内容无法识别，请刷新页面后重新填写")
        if isinstance(node.get(leaf), dict):
            raise MalformedRequest("表单内容无法识别，请刷新页面后重新填写")
        node[leaf] = values if (name in list_fields or len(values) > 1) else values[0]
    return data, control


def flatten(data: dict, prefix: str = "") -> dict[str, object]:
    """The inverse, for re-filling a form: {"contact": {"mobile": …}} → {"contact.mobile": …}."""
    flat: dict[str, object] = {}
    for key, value in data.items():
        name = f"{prefix}{key}"
        if isinstance(value, dict):
            flat.update(flatten(value, name + "."))
        else:
            flat[name] = value
    return flat


def derived_idempotency_key(client: str, path: str, body: str) -> str:
    """Without JavaScript a static form cannot carry a fresh key, so an identical post from the same
    client to the same form counts as a resubmission (double click, reload after a timeout)."""
    kept = "&".join(f"{k}={v}" for k, v in read_pairs(body) if k != "idempotency_key")
    return hashlib.sha256(f"{client}|{path}|{kept}".encode()).hexdigest()
