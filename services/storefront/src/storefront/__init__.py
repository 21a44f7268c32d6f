"""Public HTTP API of the shop (FastAPI) on :8080."""
