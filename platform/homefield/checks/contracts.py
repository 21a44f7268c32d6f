"""High-impact customer and A/B decisions: the public API contract and experiment launches.

Amazon's bar raisers sign off on "design, customer experience, architecture, and A/B testing".
The public API contract is the committed ``services/<svc>/openapi.json`` (written by the
service, drift-checked by the unprivileged CI run); this check only diffs that file between base
and head and never imports the change's code. Experiments live in
``services/experiments/experiments.yaml``: launching or stopping an experiment, launching or
stopping a variant, and shipping one (making it the control) are each high impact.
"""

from __future__ import annotations

from typing import Any

from homefield.catalog import CatalogError
from homefield.catalog.untrusted import UntrustedInputError, parse_json
from homefield.catalog.yamlfile import parse_yaml
from homefield.checks.context import Context

EXPERIMENTS = "services/experiments/experiments.yaml"


def _is_contract(path: str) -> bool:
    parts = path.split("/")
    return len(parts) == 3 and parts[0] == "services" and parts[2] == "openapi.json"


def public_api(ctx: Context) -> list[str]:
    """What changed in each committed OpenAPI contract, by path and schema."""
    paths = [p for p in dict.fromkeys(ctx.paths) if _is_contract(p)]
    base, head = ctx.read("base", paths), ctx.read("head", paths)
    reasons: list[str] = []
    for path in paths:
        before, after = _openapi(base[path]), _openapi(head[path])
        if isinstance(after, str) or isinstance(before, str):
            reasons.append(f"public API contract {path} changed ({after or before})")
            continue
        changes = _keyed_diff("path", before.get("paths"), after.get("paths"))
        schemas = [before.get("components"), after.get("components")]
        changes += _keyed_diff(
            "schema", *(c.get("schemas") if isinstance(c, dict) else None for c in schemas)
        )
        what = "; ".join(changes) or "wording only"
        reasons.append(f"public API contract {path} changed: {what}")
    return reasons


def _schemas(document: dict[str, Any]) -> Any:
    components = document.get("components")
    return components.get("schemas") if isinstance(components, dict) else None


def _openapi(text: str | None) -> dict[str, Any] | str:
    if text is None:
        return {}
    try:
        data = parse_json(text)
    except UntrustedInputError as exc:
        return f"unreadable: {exc}"
    except ValueError:
        return "not valid JSON"
    return data if isinstance(data, dict) else "not a JSON object"


def _keyed_diff(kind: str, before: Any, after: Any) -> list[str]:
    old = before if isinstance(before, dict) else {}
    new = after if isinstance(after, dict) else {}
    changes = [f"{kind} {k} added" for k in sorted(set(new) - set(old))]
    changes += [f"{kind} {k} removed" for k in sorted(set(old) - set(new))]
    changes += [f"{kind} {k} changed" for k in sorted(set(old) & set(new)) if old[k] != new[k]]
    return changes


def experiments(ctx: Context) -> list[str]:
    """Experiments and variants launched, stopped or shipped by the change."""
    if not ctx.changed(EXPERIMENTS):
        return []
    before = _experiments(ctx.text("base", EXPERIMENTS))
    after = _experiments(ctx.text("head", EXPERIMENTS))
    if before is None or after is None:
        return [f"{EXPERIMENTS} changed and does not parse: its launches cannot be told apart"]
    reasons = [f"experiment {n} launched" for n in sorted(set(after) - set(before))]
    reasons += [f"experiment {n} stopped" for n in sorted(set(before) - set(after))]
    for name in sorted(set(before) & set(after)):
        old, new = before[name], after[name]
        reasons += [f"experiment {name}: variant {v} launched" for v in sorted(set(new) - set(old))]
        reasons += [f"experiment {name}: variant {v} stopped" for v in sorted(set(old) - set(new))]
        if _control(old) != _control(new):
            reasons.append(f"experiment {name}: variant {_control(new)[0]} shipped as the control")
    return reasons


Variants = dict[str, tuple[bool, Any]]


def _experiments(text: str | None) -> dict[str, Variants] | None:
    if text is None:
        return {}
    try:
        data = parse_yaml(text, EXPERIMENTS).data
    except CatalogError:
        return None
    items = data.get("experiments") if isinstance(data, dict) else None
    found: dict[str, Variants] = {}
    for item in items if isinstance(items, list) else []:
        if isinstance(item, dict) and isinstance(item.get("name"), str):
            variants = item.get("variants")
            found[item["name"]] = {
                str(v.get("name")): (v.get("control") is True, v.get("params"))
                for v in (variants if isinstance(variants, list) else [])
                if isinstance(v, dict)
            }
    return found


def _control(variants: Variants) -> tuple[str, Any]:
    return next(
        ((name, params) for name, (control, params) in variants.items() if control), ("", None)
    )
