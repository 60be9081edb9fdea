"""Organization outcomes: the dashboard for a period and programme (with small-cell
suppression, SVG charts, CSV/XLSX export and a printable funder report) and programmes.

Importing the package registers the data-version hooks the dashboard cache relies on.
"""

from peerpath.outcomes import cache as cache
