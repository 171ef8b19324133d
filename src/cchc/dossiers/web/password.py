"""Password reset by e-mail for staff (Django's auth views, Vietnamese pages and e-mail).

The officer gives the e-mail address of their account; if an active account has it, a one-time link
(valid ``PASSWORD_RESET_TIMEOUT`` seconds) is mailed to it. The page says the same whether or not
the address is known, so it does not reveal which addresses have accounts.
"""

from __future__ import annotations

from django.contrib.auth import views as auth_views
from django.urls import reverse_lazy


class StaffPasswordResetView(auth_views.PasswordResetView):
    template_name = "accounts/password_reset_form.html"
    email_template_name = "accounts/password_reset_email.txt"
    subject_template_name = "accounts/password_reset_subject.txt"
    success_url = reverse_lazy("dossiers_web:password_reset_done")


class StaffPasswordResetDoneView(auth_views.PasswordResetDoneView):
    template_name = "accounts/password_reset_done.html"


class StaffPasswordResetConfirmView(auth_views.PasswordResetConfirmView):
    template_name = "accounts/password_reset_confirm.html"
    success_url = reverse_lazy("dossiers_web:password_reset_complete")


class StaffPasswordResetCompleteView(auth_views.PasswordResetCompleteView):
    template_name = "accounts/password_reset_complete.html"
