"""Each role's home page, the member record overview and "who has looked at my record"."""
