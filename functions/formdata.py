"""HTML form posts → the same nested dictionaries the JSON API takes.

Field names are dotted paths ("contact.mobile", "answers.role"); empty fields are left out, as
the JSON forms script leaves them out; repeated names (checkboxes) become lists.
"""

from __future__ import annotations

import hashlib
from urllib.parse import parse_qsl

CONTROL_FIELDS = ("idempotency_key", "website")


def parse_form(body: str, list_fields: frozenset[str] = frozenset()) -> tuple[dict, dict[str, str]]:
    """(nested data, control fields). `list_fields` are always lists even with one value."""
    flat: dict[str, list[str]] = {}
    for name, value in parse_qsl(body, keep_blank_values=True, max_num_fields=200):
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
    kept = "&".join(f"{k}={v}" for k, v in parse_qsl(body, keep_blank_values=True) if k != "idempotency_key")
    return hashlib.sha256(f"{client}|{path}|{kept}".encode()).hexdigest()
