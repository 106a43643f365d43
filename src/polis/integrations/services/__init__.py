"""API keys (`keys`), webhook subscriptions and their events (`webhooks`); the delivery of the
webhooks is `polis.integrations.delivery`, run by the tasks."""
