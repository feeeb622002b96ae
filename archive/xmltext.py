"""Text fit for XML 1.0: what every XML writer of the site (feeds, sitemap, SVG drawings) and the
calendar export pass stored text through.

XML 1.0 allows tab, line feed and carriage return among the C0 controls and nothing else
below U+0020; it forbids U+FFFE, U+FFFF and surrogates outside a pair. Imported text can
hold any of them (a NUL is stored as is), and one such character makes Django's feed
writer raise and turns any other XML into something no reader parses. They carry no
meaning in titles or teasers, so they are dropped rather than replaced.
"""

import re

from django.utils.functional import Promise

# Python strings hold surrogates as code points of their own, so lone ones are matched here too.
FORBIDDEN = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff]")


def clean(text):
    """`text` without the characters XML 1.0 forbids; None stays None, lazy translations become text."""
    if text is None:
        return None
    if isinstance(text, Promise):
        text = str(text)
    return FORBIDDEN.sub("", text)
