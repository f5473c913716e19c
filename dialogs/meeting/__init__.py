"""Meeting recording by phone: draft storage port, entry parsing and totals used by dialogs/handlers/meeting*.py."""
