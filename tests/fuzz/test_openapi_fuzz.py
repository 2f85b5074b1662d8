"""Schemathesis over the published OpenAPI: no generated request, valid or not, may answer 5xx."""

import traceback

import pytest
import schemathesis
from django.core.handlers.wsgi import WSGIHandler
from django.core.signals import got_request_exception, request_finished, request_started
from django.db import close_old_connections
from hypothesis import HealthCheck, settings

from xueji.api.router import api

schema = schemathesis.openapi.from_dict(api.get_openapi_schema(path_prefix="/api/v1"))
schema.config.generation.update(modes=["positive", "negative"], max_examples=8, no_shrink=True)
schema.config.phases.update(phases=["examples", "fuzzing"])
schema.app = WSGIHandler()


@pytest.fixture
def in_process(world):
    """Requests go through the real WSGI handler on the test's own connection and transaction."""
    from xueji.accounts.services import issue_token

    crashes = []

    def remember(sender, request=None, **kwargs):
        crashes.append(traceback.format_exc())

    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    got_request_exception.connect(remember)
    key, _ = issue_token(world.county_xd)
    yield {"Authorization": f"Bearer {key}"}, crashes
    got_request_exception.disconnect(remember)
    request_started.connect(close_old_connections)
    request_finished.connect(close_old_connections)


@schema.parametrize()
@settings(deadline=None, suppress_health_check=list(HealthCheck), print_blob=False)
def test_no_server_error(case, in_process):
    headers, crashes = in_process
    t0=time.perf_counter()
    response = case.call(headers=headers)
    _T[case.operation.label]+=time.perf_counter()-t0
    assert response.status_code < 500, (case.as_curl_command(), crashes[-1] if crashes else "")

import time, collections, atexit
_T = collections.Counter()
_orig = test_no_server_error
def _report():
    for k, v in _T.most_common(25):
        print(f"{v:.2f} {k}")
atexit.register(_report)
