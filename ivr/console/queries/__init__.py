"""Small read models behind the console's pages (the existing services are reused where they exist)."""
