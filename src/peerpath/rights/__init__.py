"""Member data rights: export everything about me, amendment requests beside any record,
leaving the programme, and erasing data once the organization's retention period is over."""
