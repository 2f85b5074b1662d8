"""Django's `flush`, lifting the audit log's SQLite DELETE seal for its own run (guard.py): emptying the whole
database is the one deletion the seal lets through. Django's test runner calls it between transactional tests."""

from django.core.management.commands.flush import Command as DjangoFlush

from xueji.audit import guard


class Command(DjangoFlush):
    def handle(self, **options):
        with guard.unsealed_for_flush():
            return super().handle(**options)
