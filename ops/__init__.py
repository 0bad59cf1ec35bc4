"""Operations: backup and restore of the database and uploads, and the deployment checks
(``manage.py check --deploy``). The top layer beside ``demo``: it may import every app.
"""
