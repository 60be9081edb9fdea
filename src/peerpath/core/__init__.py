"""Cross-cutting pieces: errors, security, the access policy, the audit log, templating."""
