"""Background jobs (后台任务): who started what, its progress, its state and its result file.

Owns the ``Job`` row and the one wrapper every long piece of work runs in (``jobs.runner``): a worker
claims a job by a conditional update, keeps a lease alive by heartbeats, reports progress, and stores
the result file in private storage; a job whose worker died is re-claimed and run again from the start
(``jobs.services.reclaim_stale``), so every job kind must be idempotent. Higher apps register their job
kinds (``jobs.registry.register``) and start them with ``jobs.services.start``; the pages list a user's
jobs (我的导出), poll one job's progress (htmx) and download its file through an access check.
The queue underneath is Django's task framework (the ``django-tasks`` backport, database backend).
"""
