"""Member-controlled sharing: grants, supporters, emergency access and 42 CFR Part 2.

The decisions themselves live in peerpath.core.access (the one policy); these packages hold
the pages, API and services with which members, staff and supporters use them.
"""
