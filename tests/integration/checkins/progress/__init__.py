"""Progress views: the member's own past, nobody else's."""
