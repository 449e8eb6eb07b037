"""Templates substitute {name} / {a.b} from answers then slots; missing values are blank."""

from __future__ import annotations

from typing import Any

from bot.flows.model.expr import render_template, template_names

VALUES = {"vpn_client": "globalprotect", "err": {"title": "Access denied"}, "fixed": False, "minutes": 5.0}


def lookup(name: str) -> Any:
    return VALUES.get(name)


def test_substitutes_names_and_dotted_fields() -> None:
    text = render_template("VPN ({vpn_client}) error: {err.title}", lookup)
    assert text == "VPN (globalprotect) error: Access denied"


def test_missing_values_render_empty() -> None:
    assert render_template("status [{vpn_status}] [{err.advice}]", lookup) == "status [] []"


def test_values_render_for_people() -> None:
    assert render_template("fixed: {fixed}, waited {minutes} min", lookup) == "fixed: no, waited 5 min"


def test_literal_and_non_name_braces_are_kept() -> None:
    assert render_template("{{vpn_client}} and { not a name } and {}", lookup) == "{vpn_client} and { not a name } and {}"


def test_template_names_are_root_names() -> None:
    assert template_names("{a} {err.title} {{literal}} {b.c.d}") == {"a", "err", "b"}
