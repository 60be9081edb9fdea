"""42 CFR Part 2: tagged records, consents holding every section 2.31 element, the
section 2.32 notice on disclosures, and the accounting of disclosures."""

# The tagging hook (a Session after_flush event) is registered on import. The app imports this
# package through features.py (routes.py), the demo loader through demo.py, and the grants
# service through service.py, so it is in place whenever peerpath runs.
from peerpath.sharing.part2 import tagging as tagging
