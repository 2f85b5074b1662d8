"""PostgreSQL connections run without JIT compilation and without parallel workers: the registry's queries are
short, JIT compiling a query the planner merely costs high (the to-do count of a county) took 100–140 ms of a
15 ms query, and a parallel plan made a common name's province search 17 ms instead of 4 (#15)."""

import pytest
from django.db import connection

pytestmark = [pytest.mark.django_db,
              pytest.mark.skipif(connection.vendor != "postgresql", reason="JIT is PostgreSQL's")]


def test_jit_and_parallel_plans_are_off_on_the_registrys_connections():
    with connection.cursor() as cursor:
        cursor.execute("SHOW jit")
        assert cursor.fetchone()[0] == "off"
        cursor.execute("SHOW max_parallel_workers_per_gather")
        assert cursor.fetchone()[0] == "0"
