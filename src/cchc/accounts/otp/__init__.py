"""The staff's second factor (xác thực hai yếu tố, issue 15 item 6): TOTP devices (django-otp), hashed
recovery codes, the verification step after the password login and the idle-session expiry.

See ``docs/staff-security.md``. A Django app of its own (label ``accounts_otp``) inside the accounts
package: the accounts models stay as they are.
"""
