"""SMTP: the client (``client``), the per-tenant sender settings and sent-message ledger (``senders``),
and the test double (``double``, a real STARTTLS + AUTH server that records what arrives)."""
