"""Request body size limit: refuse a declared ``Content-Length`` over the limit before reading,
and count streamed bytes (chunked uploads declare none) while the app reads; 413 either way."""

from __future__ import annotations

from starlette.types import ASGIApp, Message, Receive, Scope, Send

from genius.web.errors import BodyTooLarge, ErrorBody, send_error, trace_id_of


def _declared_length(scope: Scope) -> int | None:
    for name, value in scope["headers"]:
        if name == b"content-length":
            try:
                return int(value)
            except ValueError:
                return None
    return None


class BodyLimitMiddleware:
    def __init__(self, app: ASGIApp, *, max_body_bytes: int) -> None:
        self.app = app
        self.max_body_bytes = max_body_bytes

    def _error(self, scope: Scope) -> ErrorBody:
        limit = self.max_body_bytes
        return ErrorBody(
            413,
            BodyTooLarge.code,
            f"the request body is larger than the limit of {limit} bytes",
            {"max_body_bytes": limit},
            trace_id_of(scope),
        )

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        declared = _declared_length(scope)
        if declared is not None and declared > self.max_body_bytes:
            await send_error(send, self._error(scope), [("Connection", "close")])
            return
        received = 0
        exceeded = False
        replaced = False

        async def counting_receive() -> Message:
            nonlocal received, exceeded
            if exceeded:
                raise BodyTooLarge("request body too large")
            message = await receive()
            if message["type"] == "http.request":
                received += len(message.get("body", b""))
                if received > self.max_body_bytes:
                    exceeded = True
                    # Raising stops the app reading; whatever it answers is replaced below.
                    raise BodyTooLarge("request body too large")
            return message

        async def guarded_send(message: Message) -> None:
            nonlocal replaced
            if exceeded:
                if not replaced and message["type"] == "http.response.start":
                    replaced = True
                    await send_error(send, self._error(scope), [("Connection", "close")])
                return
            await send(message)

        try:
            await self.app(scope, counting_receive, guarded_send)
        except Exception:
            if not exceeded:
                raise
            if not replaced:
                replaced = True
                await send_error(send, self._error(scope), [("Connection", "close")])
