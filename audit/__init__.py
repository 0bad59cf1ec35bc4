"""The append-only, hash-chained audit trail: the AuditEvent model (table ``proposals_auditevent``),
writing and verifying the chain (``trail``), the database triggers, the auditor's log page, and the
``verify_audit`` / ``export_audit`` commands.

Every other app writes its events through ``audit.trail.record``; audit imports only ``core``.
"""
