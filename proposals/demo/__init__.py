"""Deterministic demo data of the 4th-term Chencang CPPCC (manage.py seed_demo)."""
