"""The supporters map: the member's circle and the community places that help."""
