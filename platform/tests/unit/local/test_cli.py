from pathlib import Path

import pytest
from homefield.cli import app
from homefield.local.cli import render_table
from homefield.local.health import free_port
from homefield.local.logs import LogFollower
from homefield.local.parts import Part
from homefield.local.stack import PartState
from homefield.testing.scratch_shop import write_scratch_shop
from typer.testing import CliRunner

FAKE_PART = Part("fakeecho", "checkout", ("fake",), (50999, 8999), ("http://127.0.0.1:8999",), None)


def test_the_table_lists_part_team_state_pid_ports_and_urls() -> None:
    header, up, down = render_table(
        [PartState(FAKE_PART, 4242, healthy=True), PartState(FAKE_PART, None, healthy=False)]
    )
    assert header.split() == ["PART", "TEAM", "STATE", "PID", "PORTS", "URLS"]
    assert up.split() == [
        "fakeecho",
        "checkout",
        "up",
        "4242",
        "50999,8999",
        "http://127.0.0.1:8999",
    ]
    assert down.split()[2:4] == ["down", "-"]
    assert header.index("URLS") == up.index("http://")


@pytest.fixture
def scratch(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    write_scratch_shop(tmp_path, http_port=free_port())
    monkeypatch.chdir(tmp_path)
    return tmp_path


def test_logs_of_one_part_show_its_last_lines(scratch: Path) -> None:
    log = scratch / ".run" / "logs" / "fakeecho.log"
    log.parent.mkdir(parents=True)
    log.write_text("".join(f"FakeEcho line {n}\n" for n in range(100)))
    result = CliRunner().invoke(app, ["logs", "fakeecho", "-n", "2"])
    assert result.exit_code == 0
    assert result.output == "==> fakeecho <==\nFakeEcho line 98\nFakeEcho line 99\n"


@pytest.mark.usefixtures("scratch")
def test_logs_before_any_run_say_to_run_up() -> None:
    result = CliRunner().invoke(app, ["logs"])
    assert result.exit_code == 1
    assert "run `homefield up`" in result.output


@pytest.mark.usefixtures("scratch")
def test_logs_of_an_unknown_part_name_the_known_parts() -> None:
    result = CliRunner().invoke(app, ["logs", "nosuch"])
    assert result.exit_code == 2
    assert "no part named 'nosuch'; the parts are: kafka, fakeecho, alert-sink" in result.output


def test_a_broken_catalog_is_one_line_naming_the_file(scratch: Path) -> None:
    (scratch / "services" / "fakeecho" / "service.yaml").write_text("name: fakeecho\ntier: 9\n")
    result = CliRunner().invoke(app, ["status"])
    assert result.exit_code == 2
    assert result.output.startswith("error: ")
    assert "service.yaml" in result.output
    assert "Traceback" not in result.output


def test_following_logs_prints_new_complete_lines_prefixed_by_their_part(tmp_path: Path) -> None:
    orders, kafka = tmp_path / "orders.log", tmp_path / "kafka.log"
    orders.write_text("FakeOrders old line\n")
    kafka.write_text("")
    follower = LogFollower([kafka, orders])
    assert follower.new_lines() == []
    with orders.open("a") as log:
        log.write("FakeOrders new line\nFakeOrders half a li")
    with kafka.open("a") as log:
        log.write("FakeKafka started\n")
    assert follower.new_lines() == ["kafka  | FakeKafka started", "orders | FakeOrders new line"]
    with orders.open("a") as log:
        log.write("ne\n")
    assert follower.new_lines() == ["orders | FakeOrders half a line"]


@pytest.mark.usefixtures("scratch")
def test_restarting_kafka_without_its_jars_is_one_error_line() -> None:
    result = CliRunner().invoke(app, ["restart", "kafka"])
    assert result.exit_code == 1
    assert result.output.startswith("error: no Kafka jars in ")
    assert "run `make setup`" in result.output
    assert isinstance(result.exception, SystemExit)
