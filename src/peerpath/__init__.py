"""peerpath: recovery-oriented peer support software."""

__version__ = "0.1.0"
