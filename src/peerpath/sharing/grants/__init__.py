"""The member's sharing grants: the sharing page, its API, and the enrolment defaults."""
