"""`genius anaf-sandbox --port N`: the ANAF double (and the BNR double under /bnr) on one local port."""

from __future__ import annotations

import typer

app = typer.Typer(help="Serve the ANAF double (OAuth, e-Factura SPV, VAT registry) and the BNR double.")


def settings_lines(base_url: str, client_id: str, client_secret: str, bnr: bool) -> list[str]:
    """The environment that points a Genius installation at the sandbox."""
    lines = [
        f"GENIUS_ANAF_API_URL={base_url}",
        f"GENIUS_ANAF_OAUTH_URL={base_url}/anaf-oauth2/v1",
        f"GENIUS_ANAF_PUBLIC_URL={base_url}",
        "GENIUS_ANAF_ENVIRONMENT=test",
        f"GENIUS_ANAF_CLIENT_ID={client_id}",
        f"GENIUS_ANAF_CLIENT_SECRET={client_secret}",
    ]
    if bnr:
        lines.append(f"GENIUS_BNR_URL={base_url}/bnr")
    return lines


@app.callback(invoke_without_command=True)
def sandbox(
    host: str = typer.Option(
        "127.0.0.1", "--host", help="Interface (keep it local: admin endpoints have no auth)."
    ),
    port: int = typer.Option(8090, "--port", help="Port to listen on."),
    processing_seconds: float = typer.Option(
        2.0, "--processing-seconds", help="How long stareMesaj says 'in prelucrare'."
    ),
    page_size: int = typer.Option(500, "--page-size", help="Messages per page of the lists (ANAF: 500)."),
    certificate: bool = typer.Option(
        True, "--certificate/--no-certificate", help="Without: authorize answers access_denied."
    ),
    bnr: bool = typer.Option(True, "--bnr/--no-bnr", help="Also serve the BNR double under /bnr."),
) -> None:
    """Serve the doubles until Ctrl+C. Uploads are judged by Genius's e-Factura validator."""
    import uvicorn
    from starlette.applications import Starlette
    from starlette.routing import Mount

    from genius.integrations.anaf.double import DEFAULT_CLIENT, AnafDouble, TestCertificate
    from genius.integrations.bnr.double import BnrDouble

    if not 0 < port < 65536:
        raise typer.BadParameter("must be 1..65535", param_hint="--port")
    anaf = AnafDouble(
        processing_seconds=processing_seconds,
        page_size=page_size,
        certificate=TestCertificate() if certificate else None,
    )
    routes = [Mount("/bnr", app=BnrDouble().app)] if bnr else []
    application = Starlette(routes=[*routes, Mount("/", app=anaf.app)])
    base_url = f"http://{host}:{port}"
    typer.echo(f"ANAF double (TEST, not ANAF) on {base_url}; signatures in downloads are TEST signatures.")
    typer.echo("Point Genius at it with:")
    for line in settings_lines(base_url, DEFAULT_CLIENT.client_id, DEFAULT_CLIENT.client_secret, bnr):
        typer.echo(f"  {line}")
    typer.echo("OAuth callbacks accepted: http://127.0.0.1*, http://localhost*, https://localhost*")
    uvicorn.run(application, host=host, port=port, log_level="warning", lifespan="off")
