from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from homefield.catalog import CatalogError
from homefield.runtime import InvalidEvent
from homefield.runtime.db import Database, open_database
from homefield.runtime.registry import Registry
from payments.adapters import ledger
from payments.adapters.card_gateway import StripeTestGateway
from payments.bootstrap import MIGRATIONS, build
from payments.domain.model import Captured, ChargeResult, PaymentStatus
from payments.handlers import capture_payment
from payments.settings import PaymentsSettings
from shop.orders.v1.events_pb2 import OrderReserved
from shop.payments.v1.events_pb2 import PaymentCaptured, PaymentDeclined


class FakeCardGateway:
    """Captures every charge and remembers each one it was asked for."""

    def __init__(self) -> None:
        self.charges: list[tuple[str, int, str]] = []

    def charge(self, *, token: str, amount_cents: int, idempotency_key: str) -> ChargeResult:
        self.charges.append((token, amount_cents, idempotency_key))
        return Captured(charge_id=f"ch_fake_{len(self.charges)}")


@pytest.fixture
def db(tmp_path: Path) -> Iterator[Database]:
    database = open_database(
        f"sqlite:///{tmp_path / 'db.sqlite3'}", topic="payments.v1", migrations=[MIGRATIONS]
    )
    database.open()
    yield database
    database.close()


def reserved(order_id: str = "o-1", token: str = "tok_visa", total: int = 2599) -> OrderReserved:
    return OrderReserved(
        order_id=order_id, customer_id="c-1", total_cents=total, payment_token=token
    )


def deliver(db: Database, event: OrderReserved, gateway: FakeCardGateway | None = None) -> None:
    with db.transaction() as tx:
        capture_payment(event, tx, gateway=gateway or StripeTestGateway())


def outbox(db: Database) -> list[tuple[str, bytes]]:
    rows = db.conn.execute("SELECT ce_type, payload FROM outbox ORDER BY id").fetchall()
    return [(str(t), bytes(p)) for t, p in rows]


def test_visa_token_captures_the_order_total_and_announces_it(db: Database) -> None:
    deliver(db, reserved())

    [(ce_type, payload)] = outbox(db)
    assert ce_type == "shop.payments.v1.PaymentCaptured"
    event = PaymentCaptured.FromString(payload)
    assert (event.order_id, event.amount_cents) == ("o-1", 2599)
    payment = ledger.get_payment(db.conn, "o-1")
    assert payment is not None
    assert (payment.status, payment.capture_count) == (PaymentStatus.CAPTURED, 1)
    assert payment.payment_id == event.payment_id


def test_declined_token_is_declined_as_card_declined_without_a_charge(db: Database) -> None:
    deliver(db, reserved(token="tok_chargeDeclined"))

    [(ce_type, payload)] = outbox(db)
    assert ce_type == "shop.payments.v1.PaymentDeclined"
    assert PaymentDeclined.FromString(payload).reason == "card_declined"
    payment = ledger.get_payment(db.conn, "o-1")
    assert payment is not None
    assert payment.status == PaymentStatus.DECLINED
    assert (payment.decline_reason, payment.capture_count) == ("card_declined", 0)


def test_unknown_token_is_declined_as_invalid_token(db: Database) -> None:
    deliver(db, reserved(token="tok_madeUp"))

    [(_, payload)] = outbox(db)
    assert PaymentDeclined.FromString(payload).reason == "invalid_token"


def test_duplicate_order_reserved_charges_the_card_once(db: Database) -> None:
    gateway = FakeCardGateway()

    deliver(db, reserved(), gateway)
    deliver(db, reserved(), gateway)

    assert len(gateway.charges) == 1
    assert [t for t, _ in outbox(db)] == ["shop.payments.v1.PaymentCaptured"]


def test_capture_count_never_exceeds_one_whatever_is_redelivered(db: Database) -> None:
    for token in ["tok_visa", "tok_visa", "tok_chargeDeclined", "tok_visa", "tok_bogus"]:
        deliver(db, reserved(token=token))

    payment = ledger.get_payment(db.conn, "o-1")
    assert payment is not None
    assert (payment.status, payment.capture_count) == (PaymentStatus.CAPTURED, 1)
    assert len(outbox(db)) == 1


def test_each_order_is_charged_under_its_own_idempotency_key(db: Database) -> None:
    gateway = FakeCardGateway()

    deliver(db, reserved("o-1"), gateway)
    deliver(db, reserved("o-2", total=500), gateway)

    assert gateway.charges == [("tok_visa", 2599, "o-1"), ("tok_visa", 500, "o-2")]


def test_event_without_order_id_is_refused_and_leaves_no_trace(db: Database) -> None:
    with pytest.raises(InvalidEvent, match="order_id"):
        deliver(db, reserved(order_id=""))

    assert outbox(db) == []
    assert db.conn.execute("SELECT COUNT(*) FROM payments").fetchone()[0] == 0


async def test_bootstrap_registers_capture_payment_with_the_gateway_it_is_given(
    tmp_path: Path,
) -> None:
    gateway = FakeCardGateway()
    app = build(
        PaymentsSettings(database_url=f"sqlite:///{tmp_path / 'p.sqlite3'}"), gateway=gateway
    )
    route = app.registry.routes[OrderReserved.DESCRIPTOR.full_name]
    assert (route.name, route.event_type) == ("capture_payment", OrderReserved)
    app.db.open()
    try:
        with app.db.transaction() as tx:
            route.handler(reserved("o-7", total=700), tx)
    finally:
        app.db.close()
    assert gateway.charges == [("tok_visa", 700, "o-7")]


async def test_payments_refuses_to_start_when_slo_yaml_names_an_unregistered_handler(
    tmp_path: Path,
) -> None:
    app = build(PaymentsSettings(database_url=f"sqlite:///{tmp_path / 'p.sqlite3'}"))
    app.registry = Registry("payments", consumes=["orders.v1"])
    app.registry.handle("charge_card", OrderReserved, capture_payment, gateway=FakeCardGateway())
    with pytest.raises(CatalogError) as refused:
        await app.start()
    assert "payments/slo.yaml:4: slos.0.sli.handler: SLO capture-availability: handler" in str(
        refused.value
    )
    assert "'capture_payment' is not registered" in str(refused.value)
    assert not (tmp_path / "p.sqlite3").exists()
