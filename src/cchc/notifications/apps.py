from django.apps import AppConfig


class NotificationsConfig(AppConfig):
    name = "cchc.notifications"
    label = "notifications"
    verbose_name = "Thông báo cho người dân"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from cchc.notifications.constants import EVENT_TOPICS, SUBSCRIBER
        from cchc.notifications.services import notification_handle_event
        from cchc.outbox.registry import register

        register(SUBSCRIBER, topics=EVENT_TOPICS)(notification_handle_event)
