"""One module per group of dialog states; each exports `STATES` (dialogs/flow.StateDef) and imports no other handler."""
