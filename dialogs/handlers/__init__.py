"""One small module per dialog area: identify, language, group, pin, menu, figures, person (help/transfer), ladder."""
