"""GET /v1/notifications: the messages sent about an order or to a customer."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Query
from fastapi.exceptions import RequestValidationError
from homefield.runtime.db import Database
from pydantic import BaseModel

from notifications.adapters import sent_log

MAX_ID_LENGTH = 200

OrderIdQuery = Annotated[
    str | None, Query(max_length=MAX_ID_LENGTH, description="Messages about this order.")
]
CustomerIdQuery = Annotated[
    str | None, Query(max_length=MAX_ID_LENGTH, description="Messages sent to this customer.")
]
LimitQuery = Annotated[int, Query(ge=1, le=1000, description="At most this many, oldest first.")]


class SentNotification(BaseModel):
    order_id: str
    customer_id: str
    kind: str
    message: str
    sent_at: str


def _missing_filter() -> RequestValidationError:
    return RequestValidationError(
        [
            {
                "type": "missing",
                "loc": ("query", "order_id"),
                "msg": "order_id or customer_id is required",
                "input": None,
            }
        ]
    )


def build_router(db: Database) -> APIRouter:
    router = APIRouter(tags=["notifications"])

    @router.get("/v1/notifications", response_model=list[SentNotification])
    async def list_notifications(
        order_id: OrderIdQuery = None, customer_id: CustomerIdQuery = None, limit: LimitQuery = 100
    ) -> list[SentNotification]:
        order, customer = (order_id or "").strip(), (customer_id or "").strip()
        if not order and not customer:
            raise _missing_filter()
        with db.read() as tx:
            found = sent_log.find(tx, order_id=order, customer_id=customer, limit=limit)
        return [SentNotification(**vars(message)) for message in found]

    return router
