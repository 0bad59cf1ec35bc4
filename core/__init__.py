"""Small things every app uses: the clock, HTTP helpers (client IP, admin network fence, safe
redirects), keyset pagination, the 500 page and admin building blocks.

The bottom layer: core imports no other app of the project (docs/architecture.md).
"""
