"""Health of a running portal: ``GET /healthz`` for load balancers and the worker heartbeat."""
