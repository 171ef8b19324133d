from django.apps import AppConfig


class AccountsOtpConfig(AppConfig):
    name = "cchc.accounts.otp"
    label = "accounts_otp"
    verbose_name = "Xác thực hai yếu tố của cán bộ"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from django.contrib.auth.signals import user_logged_in

        from cchc.accounts.otp.policy import on_login

        user_logged_in.connect(on_login, dispatch_uid="cchc.accounts.otp.on_login")
