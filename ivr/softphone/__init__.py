"""The browser softphone: `/phone` page and `/phone/ws` WebSocket media port into the same call pipeline."""
