"""Schemathesis over the published OpenAPI: no request it makes, valid or not, may answer 5xx, and every refusal
comes in the contract's error body.

The requests go through Django's real WSGI handler in this process, on the test's own database connection, with
the token of a province officer (who may call every endpoint, so requests get past the role checks into the
services). A bounded number of examples per operation keeps a run near a minute per database;
XUEJI_FUZZ_EXAMPLES raises it for a longer hunt (e.g. 100 before a release).
"""

import json
import os
import traceback

import pytest
import schemathesis
from django.core.handlers.wsgi import WSGIHandler
from django.core.signals import got_request_exception, request_finished, request_started
from django.db import close_old_connections
from hypothesis import HealthCheck, settings

from xueji.api.router import api

EXAMPLES = int(os.environ.get("XUEJI_FUZZ_EXAMPLES", "8"))

schema = schemathesis.openapi.from_dict(api.get_openapi_schema(path_prefix="/api/v1"))
schema.config.generation.update(modes=["positive", "negative"], max_examples=EXAMPLES, no_shrink=True,
                                deterministic=True)
# The coverage phase alone makes some 4,000 boundary cases; examples and random fuzzing stay within the budget.
schema.config.phases.update(phases=["examples", "fuzzing"])
schema.app = WSGIHandler()

pytestmark = pytest.mark.fuzz


@pytest.fixture
def in_process(world):
    """The officer's token, and the tracebacks of any request that failed inside the server."""
    from xueji.accounts.services import issue_token

    crashes = []

    def remember(sender, request=None, **kwargs):
        crashes.append(traceback.format_exc())

    # Django's own test client does the same: a request must not close the connection holding the test's
    # transaction.
    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    got_request_exception.connect(remember)
    key, _ = issue_token(world.province_officer)
    try:
        yield {"Authorization": f"Bearer {key}"}, crashes
    finally:
        got_request_exception.disconnect(remember)
        request_started.connect(close_old_connections)
        request_finished.connect(close_old_connections)


@schema.parametrize()
@settings(deadline=None, suppress_health_check=list(HealthCheck), print_blob=False, database=None)
def test_no_server_error_and_every_refusal_in_the_contract_body(case, in_process):
    headers, crashes = in_process
    response = case.call(headers=headers)
    assert response.status_code < 500, (case.as_curl_command(), crashes[-1] if crashes else "")
    content_type = " ".join(v for k, values in response.headers.items() if k.lower() == "content-type" for v in values)
    if 400 <= response.status_code < 500 and "json" in content_type:
        body = json.loads(response.content)
        assert isinstance(body.get("detail"), str) and body["errors"], (case.as_curl_command(), body)
        for item in body["errors"]:
            assert set(item) == {"code", "article", "field", "message"}, (case.as_curl_command(), body)
