"""Notifications: the Notifier protocol (protocol.py) and its adapters — a local outbox folder
(outbox.py), Amazon SNS for SMS (sns.py), Amazon SES for e-mail (ses.py). Which one runs is
configuration (PORTAL_NOTIFIER, see functions.config.make_notifier)."""
