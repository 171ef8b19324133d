"""The budget of failed public look-ups of a dossier by its code, per client address.

A dossier is looked up by its code plus the applicant's phone or ID number; the answers tell whether a
code exists. Every page that answers that question counts against one budget: the citizen
portal's look-up, the addresses of the forms as PDF (``/ho-so/<mã>/mau-0N.pdf``) and the feedback
form's "mã hồ sơ liên quan". The counter is the platform's (:class:`cchc.common.throttle.FailureThrottle`).
"""

from __future__ import annotations

from cchc.common.throttle import FailureThrottle

LOOKUP_LIMIT = 10  # failed lookups allowed per client address ...
LOOKUP_WINDOW = 15 * 60  # ... within this many seconds
LOOKUPS = FailureThrottle("portal-lookup", LOOKUP_LIMIT, LOOKUP_WINDOW)

# The address hint of the portal's and the counter's forms (issue 18 item 3): not a failure budget but a rate
# (every look-up counts, one per pause in typing), so that the resolver (about 0.35 ms of CPU each:
# benchmarks/addresses.py, docs/provinces.md) cannot be driven in bulk from one address.
ADDRESS_LIMIT = 120  # address look-ups allowed per client address ...
ADDRESS_WINDOW = 60  # ... within this many seconds
ADDRESS_LOOKUPS = FailureThrottle("address-lookup", ADDRESS_LIMIT, ADDRESS_WINDOW)
