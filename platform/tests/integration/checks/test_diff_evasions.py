"""Lines that used to escape the rules: odd file names, diff attributes, regex-blind Python."""

from __future__ import annotations

import pytest

INVENTORY_PKG = "services/inventory/src/inventory"
CROSS = "boundaries.cross-service-import"
NAMING = "metrics.naming"


@pytest.mark.parametrize(
    "name", ["with space.py", "naïve.py", "tab\there.py", "new\nline.py", '"quoted".py']
)
def test_odd_file_names_keep_their_lines(scratch, homefield, name):
    path = f"{INVENTORY_PKG}/{name}"
    scratch.write(path, "from orders.handlers import handle\nX = Counter('stock_ms', 'd')\n")
    scratch.commit("dan")
    result = homefield.check()
    assert {CROSS, NAMING} <= result.rules()
    assert {f["path"] for f in result.report["findings"] if f["rule"] == CROSS} == {path}


def test_a_600_line_change_in_an_odd_name_counts_600_lines(scratch, homefield):
    scratch.write("services/orders/src/orders/big módulo.py", "X = 1\n" * 600)
    scratch.commit("dan")
    result = homefield.check()
    (orders,) = result.report["services"]
    assert orders["lines"] == 600
    assert any("600 lines to tier-1 orders" in r for r in result.report["bar_raiser"]["reasons"])


def test_a_newline_in_a_path_loses_no_tier_and_no_dependency(scratch, homefield):
    # Another "service" whose name holds a newline is read in the same batch as orders' spec.
    scratch.write("services/evil\nname/notes.txt", "x\n")
    scratch.append("services/orders/service.yaml", "calls: [shop.inventory.v1.InventoryService]\n")
    scratch.commit("alice")
    result = homefield.check()
    orders = next(s for s in result.report["services"] if s["name"] == "orders")
    assert orders["tier"] == 1
    reasons = result.report["bar_raiser"]["reasons"]
    assert any("new dependency calls shop.inventory.v1.InventoryService" in r for r in reasons)


def test_a_diff_attribute_on_the_base_hides_no_line(scratch, homefield):
    scratch.write(".gitattributes", "*.py -diff\n")
    scratch.base = scratch.commit("pat", "no diffs for python")
    scratch.append(f"{INVENTORY_PKG}/handlers.py", "from orders.handlers import handle\n")
    scratch.write("services/orders/src/orders/big.py", "X = 1\n" * 600)
    scratch.commit("dan")
    result = homefield.check()
    assert CROSS in result.rules()
    orders = next(s for s in result.report["services"] if s["name"] == "orders")
    assert orders["lines"] == 600


def test_metrics_defined_under_platform_are_checked(scratch, homefield):
    scratch.write("platform/homefield/extra.py", "X = Counter('requests', 'd')\n")
    scratch.commit("pat")
    result = homefield.check()
    assert any("must end in _total" in m for m in result.messages(NAMING))


@pytest.mark.parametrize(
    "source",
    [
        "import json as _j, orders.domain.validation\n",
        "X = 1; import orders\n",
        "from orders \\\n    import handlers\n",
        "import importlib\nM = importlib.import_module('orders.handlers')\n",
        "M = __import__('orders')\n",
    ],
    ids=["comma", "semicolon", "backslash", "import_module", "dunder-import"],
)
def test_imports_the_regexes_missed_are_blocked(scratch, homefield, source):
    scratch.append(f"{INVENTORY_PKG}/handlers.py", source)
    scratch.commit("dan")
    result = homefield.check()
    assert result.rules() == {CROSS}
    assert any("from service orders" in m for m in result.messages(CROSS))


def test_an_import_that_was_already_there_is_not_reported_again(scratch, homefield):
    scratch.append(f"{INVENTORY_PKG}/handlers.py", "import orders\n")
    scratch.base = scratch.commit("dan", "an old sin")
    scratch.append(f"{INVENTORY_PKG}/handlers.py", "X = 2\n")
    scratch.commit("dan")
    assert CROSS not in homefield.check().rules()


def test_a_symlink_into_another_services_package_is_blocked(scratch, homefield):
    (scratch.root / INVENTORY_PKG / "orders_code").symlink_to("../../../orders/src/orders")
    scratch.commit("dan")
    result = homefield.check()
    assert result.rules() == {CROSS}
    assert any("symlink into service orders" in m for m in result.messages(CROSS))


def test_keyword_order_does_not_hide_a_metric_name(scratch, homefield):
    source = "from prometheus_client import Counter\nX = Counter(documentation='d', name='hits')\n"
    scratch.write(f"{INVENTORY_PKG}/metrics_extra.py", source)
    scratch.commit("dan")
    assert any("'hits' must end in _total" in m for m in homefield.check().messages(NAMING))


def test_a_computed_metric_name_is_blocked_saying_why(scratch, homefield):
    source = "from prometheus_client import Counter\nP = 'x'\nX = Counter(f'{P}_total', 'd')\n"
    scratch.write(f"{INVENTORY_PKG}/metrics_extra.py", source)
    scratch.commit("dan")
    (message,) = homefield.check().messages(NAMING)
    assert "not a string literal" in message and "cannot be checked" in message


def test_collections_counter_is_not_a_metric(scratch, homefield):
    source = "from collections import Counter\nX = Counter(['a', 'b'])\n"
    scratch.write(f"{INVENTORY_PKG}/tally.py", source)
    scratch.commit("dan")
    assert NAMING not in homefield.check().rules()
