"""Allow `python -m peerpath`."""

from peerpath.cli import main

main()
