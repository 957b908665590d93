"""The rules of the platform, as plain functions that know nothing of the request."""
