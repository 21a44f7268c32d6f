"""Bearer API keys: every public route needs one of the keys in settings."""

from __future__ import annotations

import hmac
from typing import Annotated

from fastapi import Depends, Request
from fastapi.security import HTTPAuthorizationCredentials, HTTPBearer

from storefront.checkout import Storefront
from storefront.entrypoints.errors import ApiError

bearer = HTTPBearer(auto_error=False, description="an API key: `Authorization: Bearer <key>`")


# Both dependencies are async although they never await: FastAPI runs a plain `def` dependency
# in a worker thread, two thread hand-offs per request for a dictionary lookup and a compare.
async def current_storefront(request: Request) -> Storefront:
    store: Storefront = request.app.state.storefront
    return store


StorefrontDep = Annotated[Storefront, Depends(current_storefront)]


async def require_api_key(
    store: StorefrontDep,
    credentials: Annotated[HTTPAuthorizationCredentials | None, Depends(bearer)],
) -> None:
    presented = credentials.credentials.encode() if credentials else b""
    known = [hmac.compare_digest(presented, key.encode()) for key in store.api_keys]
    if not presented or not any(known):
        raise ApiError(
            401,
            "unauthorized",
            "a valid API key is required: Authorization: Bearer <key>",
            field="Authorization",
            headers={"WWW-Authenticate": "Bearer"},
        )
