"""Operating the live IVR: event-loop lag watch, Prometheus metrics, and (opt-in) fault injection for chaos tests."""
