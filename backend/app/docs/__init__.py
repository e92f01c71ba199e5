"""The OpenAPI document as clients need it, its examples, and the offline /docs and /redoc pages."""
