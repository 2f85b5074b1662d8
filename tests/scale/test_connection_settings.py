"""PostgreSQL connections run without JIT compilation: the registry's queries are short, and JIT compiling a
query the planner merely costs high (the to-do count of a county) took 100–140 ms of a 15 ms query (#15)."""

import pytest
from django.db import connection

pytestmark = [pytest.mark.django_db,
              pytest.mark.skipif(connection.vendor != "postgresql", reason="JIT is PostgreSQL's")]


def test_jit_is_off_on_the_registrys_connections():
    with connection.cursor() as cursor:
        cursor.execute("SHOW jit")
        assert cursor.fetchone()[0] == "off"
