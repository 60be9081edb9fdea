"""The strengths inventory: the member's own, or suggestions they accept."""
