"""Emailed digests: an edition as a client-safe HTML and plain-text message, sent over SMTP."""

from briefings.digest.deliver import Recipient, Report, read_list
from briefings.digest.message import clean_header, unsubscribe_token
from briefings.digest.pipeline import Digest, make_digest, send_digest, write_eml

__all__ = [
    "Digest",
    "Recipient",
    "Report",
    "clean_header",
    "make_digest",
    "read_list",
    "send_digest",
    "unsubscribe_token",
    "write_eml",
]
