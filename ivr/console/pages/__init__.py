"""The console's pages, one router module per section (each page renders readable HTML without JavaScript)."""
