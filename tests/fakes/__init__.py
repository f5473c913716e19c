"""In-memory fakes of external systems, for unit tests only (every adapter also has a real integration test)."""
