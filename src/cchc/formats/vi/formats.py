"""Django's ``vi`` formats with the thousands grouping they lack (1.234,5), so ``floatformat:"2g"`` and
``intcomma`` write numbers the way :func:`cchc.common.numbers.vi_number` does. Selected by
``FORMAT_MODULE_PATH`` in the settings; the rest is Django's own."""

from django.conf.locale.vi.formats import *  # noqa: F403

DECIMAL_SEPARATOR = ","
THOUSAND_SEPARATOR = "."
NUMBER_GROUPING = 3
