"""PaymentService over gRPC: what was charged for an order."""

from __future__ import annotations

from typing import Any

from homefield.runtime import NotFound, require_text
from homefield.runtime.db import Database
from shop.payments.v1 import payments_pb2, payments_pb2_grpc

from payments.adapters import ledger
from payments.domain.model import Payment


def payment_to_proto(payment: Payment) -> payments_pb2.Payment:
    return payments_pb2.Payment(
        payment_id=payment.payment_id,
        order_id=payment.order_id,
        amount_cents=payment.amount_cents,
        status=payments_pb2.PaymentStatus.Value(f"PAYMENT_STATUS_{payment.status}"),
        capture_count=payment.capture_count,
        decline_reason=payment.decline_reason,
    )


class PaymentServicer(payments_pb2_grpc.PaymentServiceServicer):
    def __init__(self, db: Database) -> None:
        self._db = db

    async def GetPayment(
        self, request: payments_pb2.GetPaymentRequest, context: Any
    ) -> payments_pb2.GetPaymentResponse:
        require_text(request.order_id, field="order_id")
        with self._db.read() as tx:
            payment = ledger.get_payment(tx, request.order_id)
        if payment is None:
            raise NotFound(f"no payment for order {request.order_id}", field="order_id")
        return payments_pb2.GetPaymentResponse(payment=payment_to_proto(payment))
