"""HTTP routers of the IVR: call registration for Asterisk's CURL(), health and ops."""
