"""What every request passes through besides its route: hardening, limits, CORS, observability, metrics, health."""
