from django.apps import AppConfig


class CalendarsConfig(AppConfig):
    name = "cchc.calendars"
    label = "calendars"
    verbose_name = "Lịch làm việc"
