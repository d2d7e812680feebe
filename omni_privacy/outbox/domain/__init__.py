"""Pure rules of the outbox: retry delays and the per-minute budget (no Django)."""
