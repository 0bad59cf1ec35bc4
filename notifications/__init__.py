"""Who hears about what: the event rules, the in-app notification centre, channel preferences, the
outbox with its e-mail and SMS channels, and the daily deadline reminders.

It listens to ``proposals.services.action_performed``; proposals never imports it.
"""
