"""The demo data set of DOMAIN.md (``manage.py seed_demo``), through the real services, and the bulk
path for benchmarks (``--cases N``). The top layer beside ``ops``: it may import every app.
"""
