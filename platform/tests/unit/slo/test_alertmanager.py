from pathlib import Path

from homefield.catalog import Catalog
from homefield.slo.alertmanager import alertmanager_config

REPO = Path(__file__).resolve().parents[4]


def test_each_team_routes_pages_to_on_call_and_tickets_to_its_channel() -> None:
    catalog = Catalog.load(REPO)
    config = alertmanager_config(catalog.teams, fallback_team="platform")
    routes = {route["matchers"][0]: route for route in config["route"]["routes"][:-1]}
    assert set(routes) == {f'team="{team}"' for team in [*catalog.teams.teams, "leadership"]}
    payments = routes['team="payments"']
    assert payments["receiver"] == "payments-channel"
    assert payments["routes"][0]["matchers"] == ['severity="page"']
    assert payments["routes"][0]["receiver"] == "payments-oncall"
    receivers = {r["name"]: r["webhook_configs"][0]["url"] for r in config["receivers"]}
    assert receivers["payments-oncall"] == "http://127.0.0.1:9097/alerts/payments/page"
    assert receivers["payments-channel"] == "http://127.0.0.1:9097/alerts/payments/ticket"
    assert config["route"]["receiver"] == "platform-channel"


def test_pages_are_sent_sooner_than_tickets() -> None:
    catalog = Catalog.load(REPO)
    config = alertmanager_config(catalog.teams, fallback_team="platform", sink="http://sink:1")
    page_route = config["route"]["routes"][1]["routes"][0]
    assert page_route["group_wait"] == "5s"
    assert config["route"]["group_wait"] == "30s"
    assert config["receivers"][0]["webhook_configs"][0]["url"].startswith("http://sink:1/alerts/")


def test_a_page_with_no_known_team_wakes_the_fallback_on_call() -> None:
    catalog = Catalog.load(REPO)
    config = alertmanager_config(catalog.teams, fallback_team="platform")
    unknown_team = config["route"]["routes"][-1]
    assert unknown_team["matchers"] == ['severity="page"']
    assert unknown_team["receiver"] == "platform-oncall"
    assert config["route"]["receiver"] == "platform-channel"


def test_override_notices_go_to_leadership_first() -> None:
    catalog = Catalog.load(REPO)
    config = alertmanager_config(catalog.teams, fallback_team="platform")
    first = config["route"]["routes"][0]
    assert (first["matchers"], first["receiver"]) == (['team="leadership"'], "leadership-channel")
    receivers = {r["name"]: r["webhook_configs"][0]["url"] for r in config["receivers"]}
    assert receivers["leadership-channel"] == "http://127.0.0.1:9097/alerts/leadership/notice"
