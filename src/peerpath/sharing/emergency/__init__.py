"""Emergency access to a crisis plan: staff give a reason; the member is told."""
