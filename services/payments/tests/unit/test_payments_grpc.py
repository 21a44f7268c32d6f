from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from homefield.runtime import InvalidArgument, NotFound
from homefield.runtime.db import Database, open_database
from payments.adapters.card_gateway import StripeTestGateway
from payments.bootstrap import MIGRATIONS
from payments.entrypoints.grpc import PaymentServicer
from payments.handlers import capture_payment
from shop.orders.v1.events_pb2 import OrderReserved
from shop.payments.v1 import payments_pb2


@pytest.fixture
def db(tmp_path: Path) -> Iterator[Database]:
    database = open_database(
        f"sqlite:///{tmp_path / 'db.sqlite3'}", topic="payments.v1", migrations=[MIGRATIONS]
    )
    database.open()
    yield database
    database.close()


async def test_get_payment_reports_the_capture_and_its_count(db: Database) -> None:
    event = OrderReserved(
        order_id="o-1", customer_id="c", total_cents=900, payment_token="tok_visa"
    )
    for _ in range(2):
        with db.transaction() as tx:
            capture_payment(event, tx, gateway=StripeTestGateway())

    response = await PaymentServicer(db).GetPayment(
        payments_pb2.GetPaymentRequest(order_id="o-1"), None
    )

    assert response.payment.status == payments_pb2.PAYMENT_STATUS_CAPTURED
    assert (response.payment.amount_cents, response.payment.capture_count) == (900, 1)
    assert response.payment.payment_id.startswith("pay_")


async def test_get_payment_reports_a_decline_reason(db: Database) -> None:
    event = OrderReserved(order_id="o-2", customer_id="c", total_cents=900, payment_token="tok_x")
    with db.transaction() as tx:
        capture_payment(event, tx, gateway=StripeTestGateway())

    response = await PaymentServicer(db).GetPayment(
        payments_pb2.GetPaymentRequest(order_id="o-2"), None
    )

    assert response.payment.status == payments_pb2.PAYMENT_STATUS_DECLINED
    assert response.payment.decline_reason == "invalid_token"
    assert response.payment.capture_count == 0


@pytest.mark.parametrize("order_id", ["", "   "])
async def test_get_payment_without_order_id_is_invalid(db: Database, order_id: str) -> None:
    with pytest.raises(InvalidArgument, match="order_id"):
        await PaymentServicer(db).GetPayment(
            payments_pb2.GetPaymentRequest(order_id=order_id), None
        )


async def test_get_payment_for_unknown_order_is_not_found(db: Database) -> None:
    with pytest.raises(NotFound, match="nope"):
        await PaymentServicer(db).GetPayment(payments_pb2.GetPaymentRequest(order_id="nope"), None)
