"""Business-time arithmetic for the SLA engine, below the handlers so that both ``ticket.classify`` (a
handler) and ``app/services/sla`` (use cases) use the one implementation. Pure functions on calendars and
ticket rows: no Flask, no services, no engine (docs/architecture.md, "SLA engine")."""
