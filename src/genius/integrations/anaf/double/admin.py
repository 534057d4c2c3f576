"""The double's admin endpoints under ``/_double`` (no auth: bind the double to 127.0.0.1).

``POST``/``DELETE /_double/faults``, ``POST /_double/inbound?cif=<buyer>``, ``POST /_double/config``,
``GET /_double/calls``, ``GET /_double/uploads`` (see ``app.py``'s docstring).
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import TYPE_CHECKING

from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route

from genius.integrations.anaf.double.authority import TestCertificate
from genius.integrations.anaf.double.faults import Fault
from genius.integrations.anaf.double.spv import SpvAnswer

if TYPE_CHECKING:
    from genius.integrations.anaf.double.app import AnafDouble


def admin_routes(double: AnafDouble) -> list[Route]:
    """The admin routes, each bound to ``double``."""

    def bound(
        endpoint: Callable[[AnafDouble, Request], Awaitable[Response]],
    ) -> Callable[..., Awaitable[Response]]:
        async def handle(request: Request) -> Response:
            return await endpoint(double, request)

        return handle

    return [
        Route("/_double/faults", bound(faults), methods=["POST", "DELETE"]),
        Route("/_double/inbound", bound(inbound), methods=["POST"]),
        Route("/_double/config", bound(config), methods=["POST"]),
        Route("/_double/calls", bound(calls), methods=["GET"]),
        Route("/_double/uploads", bound(uploads), methods=["GET"]),
    ]


async def faults(double: AnafDouble, request: Request) -> Response:
    if request.method == "DELETE":
        double.faults.clear()
        return JSONResponse({"faults": 0})
    try:
        fault = Fault(**(await request.json()))
    except (TypeError, ValueError) as exc:
        return JSONResponse({"error": str(exc)}, 400)
    double.faults.add(fault)
    return JSONResponse({"added": fault.kind.value, "target": fault.target, "times": fault.times}, 201)


async def inbound(double: AnafDouble, request: Request) -> Response:
    buyer = request.query_params.get("cif", "")
    if not buyer.isdigit():
        return JSONResponse({"error": "cif: the buyer's numeric CUI is required"}, 400)
    try:
        index, download_id = double.deliver_inbound(await request.body(), buyer)
    except SpvAnswer as refusal:
        return JSONResponse({"error": refusal.text}, 422)
    except Exception as exc:  # unreadable XML: say why
        return JSONResponse({"error": f"{type(exc).__name__}: {exc}"}, 422)
    return JSONResponse({"index_incarcare": index, "id_descarcare": download_id}, 201)


async def config(double: AnafDouble, request: Request) -> Response:
    data = await request.json()
    if "processing_seconds" in data:
        double.spv.processing_seconds = float(data["processing_seconds"])
    if "page_size" in data:
        double.spv.page_size = int(data["page_size"])
    if "certificate" in data:
        double.set_certificate(TestCertificate() if data["certificate"] else None)
    return JSONResponse(
        {
            "processing_seconds": double.spv.processing_seconds,
            "page_size": double.spv.page_size,
            "certificate": double.authority.certificate is not None,
        }
    )


async def calls(double: AnafDouble, request: Request) -> Response:
    return JSONResponse(dict(double.calls))


async def uploads(double: AnafDouble, request: Request) -> Response:
    return JSONResponse(
        [
            {
                "index_incarcare": u.index,
                "cif": u.cif,
                "standard": u.standard,
                "b2c": u.b2c,
                "verdict": u.verdict.value,
                "id_descarcare": u.download_id,
                "number": u.number,
                "issue_date": u.issue_date,
                "errors": u.errors,
            }
            for u in double.spv.uploads.values()
        ]
    )
