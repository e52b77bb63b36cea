"""Lambda functions: one shared resolver factory (http.py), routes, a handler per Lambda, and
the local ASGI shim that runs the same handlers under `portal serve`."""
