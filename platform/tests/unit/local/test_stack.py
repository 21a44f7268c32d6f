import json
import socket
import sys
import urllib.request
from collections.abc import Iterator
from dataclasses import replace
from pathlib import Path

import pytest
from homefield.catalog import Catalog
from homefield.local.health import free_port, port_in_use
from homefield.local.parts import StackLayout, service_part
from homefield.local.shape import StackShape
from homefield.local.stack import LocalStack, StackError
from homefield.testing.scratch_shop import write_scratch_shop


class FakeEcho:
    def __init__(self) -> None:
        self.lines: list[str] = []

    def __call__(self, line: str) -> None:
        self.lines.append(line)


@pytest.fixture
def shop(tmp_path: Path) -> Iterator[tuple[LocalStack, FakeEcho]]:
    write_scratch_shop(tmp_path, http_port=free_port())
    layout = StackLayout(
        root=tmp_path.resolve(),
        python=Path(sys.executable),
        kafka_port=free_port(),
        controller_port=free_port(),
        prometheus_port=free_port(),
        alertmanager_port=free_port(),
        sink_port=free_port(),
        zipkin_port=free_port(),
        console_port=free_port(),
    )
    echo = FakeEcho()
    stack = LocalStack(layout, Catalog.load(tmp_path), echo)
    yield stack, echo
    stack.down()


def test_nothing_runs_before_up_and_teams_come_from_owners(
    shop: tuple[LocalStack, FakeEcho],
) -> None:
    stack, _ = shop
    states = {state.part.name: state for state in stack.states()}
    assert list(states) == ["kafka", "fakeecho", "alert-sink", "zipkin", "console"]
    assert {name: state.state for name, state in states.items()} == dict.fromkeys(states, "down")
    assert states["kafka"].part.team == "platform"
    assert states["fakeecho"].part.team == "checkout"


def test_prometheus_and_alertmanager_join_once_their_configs_exist(tmp_path: Path) -> None:
    write_scratch_shop(tmp_path, http_port=free_port())
    for config in ("deploy/prometheus/prometheus.yml", "deploy/alertmanager/alertmanager.yml"):
        (tmp_path / config).parent.mkdir(parents=True)
        (tmp_path / config).write_text("{}\n")
    layout = StackLayout.for_repo(tmp_path)
    parts = {
        part.name: part for part in LocalStack(layout, Catalog.load(tmp_path), FakeEcho()).parts
    }
    assert list(parts)[-4:] == ["alertmanager", "prometheus", "zipkin", "console"]
    assert f"--config.file={layout.prometheus_config}" in parts["prometheus"].command
    assert "--web.listen-address=127.0.0.1:9090" in parts["prometheus"].command
    assert "--cluster.listen-address=" in parts["alertmanager"].command
    assert parts["alertmanager"].ready_url == "http://127.0.0.1:9093/-/ready"


def test_zipkin_runs_on_a_small_heap_with_bounded_spans_and_services_send_it_spans(
    shop: tuple[LocalStack, FakeEcho],
) -> None:
    stack, _ = shop
    zipkin, service = stack.part("zipkin"), stack.part("fakeecho")
    port = stack.layout.zipkin_port
    assert "-Xmx128m" in zipkin.command
    assert zipkin.command[-4:-3] == (
        str(stack.layout.root / ".cache/zipkin/3.6.1/zipkin-server-3.6.1-exec.jar"),
    )
    assert "--armeria.ports[0].ip=127.0.0.1" in zipkin.command
    assert zipkin.env["MEM_MAX_SPANS"] == "20000"
    assert zipkin.ready_url == f"http://127.0.0.1:{port}/health"
    assert service.env["OTEL_TRACES_EXPORTER"] == "zipkin"
    assert service.env["OTEL_EXPORTER_ZIPKIN_ENDPOINT"] == f"http://127.0.0.1:{port}/api/v2/spans"


def test_the_console_is_a_platform_part_on_its_own_port(shop: tuple[LocalStack, FakeEcho]) -> None:
    stack, _ = shop
    console, port = stack.part("console"), stack.layout.console_port
    assert console.team == "platform"
    assert console.command[1:] == ("console", "--host", "127.0.0.1", "--port", str(port))
    assert console.ready_url == f"http://127.0.0.1:{port}/healthz"


def test_a_part_whose_jar_is_not_fetched_says_to_run_setup(
    shop: tuple[LocalStack, FakeEcho],
) -> None:
    stack, _ = shop
    with pytest.raises(
        StackError, match=r"zipkin: .*zipkin-server-3.6.1-exec.jar not found; run `make setup`"
    ):
        stack.start(stack.part("zipkin"))


def test_a_service_starts_with_its_settings_and_becomes_healthy(
    shop: tuple[LocalStack, FakeEcho],
) -> None:
    stack, echo = shop
    service = stack.part("fakeecho")
    pid = stack.start(service)
    stack.wait_healthy([service], timeout=60)
    assert echo.lines == [f"fakeecho: started (pid {pid})", "fakeecho: healthy"]
    with urllib.request.urlopen(service.urls[0] + "/env") as response:
        env = json.load(response)
    assert env["FAKEECHO_KAFKA_BOOTSTRAP"] == stack.layout.kafka_bootstrap
    assert env["FAKEECHO_DATABASE_URL"] == f"sqlite:///{stack.layout.run_dir}/data/fakeecho.sqlite3"
    assert env["HOMEFIELD_ENV"] == "local"
    assert "FakeEcho: serving" in stack.layout.log_path("fakeecho").read_text()


def test_starting_a_running_part_again_leaves_it_alone(shop: tuple[LocalStack, FakeEcho]) -> None:
    stack, echo = shop
    service = stack.part("fakeecho")
    first = stack.start(service)
    assert stack.start(service) == first
    assert echo.lines[-1] == f"fakeecho: already running (pid {first})"


def test_down_stops_every_part_and_frees_its_ports(shop: tuple[LocalStack, FakeEcho]) -> None:
    stack, echo = shop
    service = stack.part("fakeecho")
    stack.start(service)
    stack.wait_healthy([service], timeout=60)
    assert stack.down() == []
    assert "fakeecho: stopped" in echo.lines
    assert stack.pid(service) is None
    assert not port_in_use("127.0.0.1", service.ports[0])
    assert stack.down() == []


def test_a_crashing_service_fails_up_with_the_end_of_its_log(
    shop: tuple[LocalStack, FakeEcho],
) -> None:
    stack, _ = shop
    (stack.layout.root / "fakeecho.crash").write_text("")
    service = stack.part("fakeecho")
    stack.start(service)
    with pytest.raises(StackError) as failure:
        stack.wait_healthy([service], timeout=60)
    assert "fakeecho exited before it became healthy" in str(failure.value)
    assert "FakeEcho: told to crash" in str(failure.value)


def test_a_port_taken_by_a_foreign_process_is_named(shop: tuple[LocalStack, FakeEcho]) -> None:
    stack, _ = shop
    service = stack.part("fakeecho")
    with socket.socket() as squatter:
        squatter.bind(("127.0.0.1", service.ports[0]))
        squatter.listen()
        with pytest.raises(StackError, match=f"fakeecho: port {service.ports[0]} is taken"):
            stack.start(service)


def test_asking_for_an_unknown_part_lists_the_parts(shop: tuple[LocalStack, FakeEcho]) -> None:
    stack, _ = shop
    with pytest.raises(StackError, match="the parts are: kafka, fakeecho, alert-sink"):
        stack.part("nosuch")


def test_a_missing_program_tells_the_user_to_run_make_setup(
    shop: tuple[LocalStack, FakeEcho],
) -> None:
    stack, _ = shop
    missing = replace(stack.part("alert-sink"), command=("/nonexistent/FakeProgram",))
    with pytest.raises(StackError, match="/nonexistent/FakeProgram not found; run `make setup`"):
        stack.start(missing)


def test_up_without_the_kafka_jars_tells_the_user_to_run_make_setup(
    shop: tuple[LocalStack, FakeEcho],
) -> None:
    stack, _ = shop
    with pytest.raises(StackError, match="kafka: no Kafka jars in .*: run `make setup`"):
        stack.up(timeout=10)


def test_topics_that_cannot_be_created_fail_with_one_message_naming_the_broker(
    shop: tuple[LocalStack, FakeEcho],
) -> None:
    stack, _ = shop
    with pytest.raises(StackError, match=r"^kafka: creating the topics on 127\.0\.0\.1:\d+ failed"):
        stack.create_topics()


def test_up_starts_the_parts_that_need_no_broker_with_it_and_the_services_after_topics(
    shop: tuple[LocalStack, FakeEcho], monkeypatch: pytest.MonkeyPatch
) -> None:
    stack, _ = shop
    steps: list[str] = []
    monkeypatch.setattr(stack, "start", lambda part: steps.append(f"start {part.name}") or 1)
    monkeypatch.setattr(
        stack,
        "wait_healthy",
        lambda parts, *_: steps.append("wait " + ",".join(p.name for p in parts)),
    )
    monkeypatch.setattr(stack, "create_topics", lambda: steps.append("topics"))
    monkeypatch.setattr(stack, "states", lambda: [])
    stack.up(timeout=10)
    assert steps == [
        "start kafka",
        "start alert-sink",
        "start zipkin",
        "start console",
        "wait kafka",
        "topics",
        "start fakeecho",
        "wait fakeecho,alert-sink,zipkin,console",
    ]


def test_make_up_gives_each_caller_its_callees_addresses_from_their_service_yaml() -> None:
    repo = Path(__file__).resolve().parents[4]
    catalog = Catalog.load(repo)
    layout = StackLayout.for_repo(repo, StackShape())  # not the shape a last `up` left in .run
    orders = service_part(layout, catalog, catalog.services["orders"])
    inventory_port = catalog.services["inventory"].spec.grpc.port  # type: ignore[union-attr]
    assert json.loads(orders.env["ORDERS_ENDPOINTS"]) == {
        "shop.inventory.v1.InventoryService": [f"127.0.0.1:{inventory_port}"]
    }
    assert orders.env["ORDERS_KAFKA_BOOTSTRAP"] == layout.kafka_bootstrap
    payments = service_part(layout, catalog, catalog.services["payments"])
    assert "PAYMENTS_ENDPOINTS" not in payments.env  # it calls no one
