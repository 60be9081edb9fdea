"""Organization administration: people, roles, caseloads, supervision, the audit log search."""
