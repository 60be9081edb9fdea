"""The language assistant where people meet it: inline hints, the review API and the CLI.
The library itself is peerpath.language (pure Python, no database or web imports)."""
