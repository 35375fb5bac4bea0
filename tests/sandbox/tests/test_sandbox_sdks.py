# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""The official Alibaba Cloud SDKs against the sandbox: legacy aliyunsdkcore (V2) and the Tea SDK (V3 and V2)."""

from __future__ import annotations

import json

import pytest

from aliyunsdkcdn.request.v20180510.DescribeRefreshQuotaRequest import DescribeRefreshQuotaRequest
from aliyunsdkcdn.request.v20180510.DescribeRefreshTaskByIdRequest import DescribeRefreshTaskByIdRequest
from aliyunsdkcdn.request.v20180510.RefreshObjectCachesRequest import RefreshObjectCachesRequest
from aliyunsdkcore.acs_exception.exceptions import ServerException
from aliyunsdkcore.client import AcsClient
from alibabacloud_cdn20180510 import models as tea_models
from alibabacloud_cdn20180510.client import Client as TeaClient
from alibabacloud_tea_openapi import models as openapi_models

from sandbox_testlib import ALI_KEY, ALI_SECRET


def legacy_call(sandbox, request, secret=ALI_SECRET):
    client = AcsClient(ALI_KEY, secret, 'cn-hangzhou', auto_retry=False, timeout=10, connect_timeout=5)
    request.set_endpoint(sandbox.url.split('//', 1)[1])
    request.set_protocol_type('http')
    return json.loads(client.do_action_with_exception(request))


def test_legacy_sdk_refresh_lifecycle(make_sandbox):
    sandbox = make_sandbox(task_delay=0.2)
    refresh = RefreshObjectCachesRequest()
    refresh.set_ObjectPath('http://example.com/a b/*.jpg?x=1~\nhttp://example.com/dir/')
    refresh.set_ObjectType('File')
    task_id = legacy_call(sandbox, refresh)['RefreshTaskId']
    quota = legacy_call(sandbox, DescribeRefreshQuotaRequest())
    assert quota['UrlRemain'] == '9998'
    by_id = DescribeRefreshTaskByIdRequest()
    by_id.set_TaskId(task_id)
    sandbox.advance_clock(0.2)
    rows = legacy_call(sandbox, by_id)
    assert rows['TotalCount'] == 2 and {row['Status'] for row in rows['Tasks']} == {'Complete'}
    assert sandbox.requests[0]['method'] == 'POST' and sandbox.requests[0]['params']['SignatureType'] == ''


def test_legacy_sdk_wrong_secret_is_reported_as_invalid_secret(sandbox):
    with pytest.raises(ServerException) as caught:
        legacy_call(sandbox, DescribeRefreshQuotaRequest(), secret='wrong-secret')
    assert caught.value.get_error_code() == 'InvalidAccessKeySecret'
    assert caught.value.get_http_status() == 400


def test_legacy_sdk_sees_documented_errors(make_sandbox):
    sandbox = make_sandbox(domains=['example.com'])
    refresh = RefreshObjectCachesRequest()
    refresh.set_ObjectPath('http://other.com/a')
    with pytest.raises(ServerException) as caught:
        legacy_call(sandbox, refresh)
    assert (caught.value.get_error_code(), caught.value.get_http_status()) == ('InvalidDomain.NotFound', 404)


def tea(sandbox, secret=ALI_SECRET, algorithm=None):
    config = openapi_models.Config(access_key_id=ALI_KEY, access_key_secret=secret, endpoint=sandbox.url.split('//', 1)[1],
                                   protocol='http', region_id='cn-hangzhou', read_timeout=10000, connect_timeout=5000)
    if algorithm:
        config.signature_algorithm = algorithm
    return TeaClient(config)


@pytest.mark.parametrize('algorithm', [None, 'v2'], ids=['v3', 'v2'])
def test_tea_sdk_refresh_lifecycle(make_sandbox, algorithm):
    sandbox = make_sandbox(task_delay=0.2)
    client = tea(sandbox, algorithm=algorithm)
    request = tea_models.RefreshObjectCachesRequest(object_path='http://example.com/a b/*.jpg?x=1~\nhttp://example.com/dir/',
                                                    object_type='Directory', force=True)
    with pytest.raises(Exception) as caught:  # pylint: disable=broad-exception-caught
        client.refresh_object_caches(request)   # the first path is not a directory
    assert caught.value.code == 'InvalidObjectPath.Malformed'
    quota = client.describe_refresh_quota(tea_models.DescribeRefreshQuotaRequest()).body
    assert (quota.dir_quota, quota.dir_remain) == ('100', '100')   # a refused call uses nothing
    request.object_path = 'http://example.com/dir/'
    task_id = client.refresh_object_caches(request).body.refresh_task_id
    sandbox.advance_clock(0.2)
    rows = client.describe_refresh_task_by_id(tea_models.DescribeRefreshTaskByIdRequest(task_id=task_id)).body
    assert rows.total_count == 1 and rows.tasks[0].status == 'Complete' and rows.tasks[0].object_type == 'directory'
    listing = client.describe_refresh_tasks(tea_models.DescribeRefreshTasksRequest(object_type='directory', domain_name='example.com')).body
    assert listing.tasks.cdntask[0].object_path == 'http://example.com/dir/'
    pushed = client.push_object_cache(tea_models.PushObjectCacheRequest(object_path='http://example.com/p', l_2preload=True)).body
    assert pushed.push_task_id.isdigit()
    assert sandbox.requests[0]['params']['Force'] == 'True'


@pytest.mark.parametrize('algorithm', [None, 'v2'], ids=['v3', 'v2'])
def test_tea_sdk_wrong_secret(sandbox, algorithm):
    with pytest.raises(Exception) as caught:  # pylint: disable=broad-exception-caught
        tea(sandbox, secret='wrong-secret', algorithm=algorithm).describe_refresh_quota(tea_models.DescribeRefreshQuotaRequest())
    assert getattr(caught.value, 'code', None) == 'SignatureDoesNotMatch'
    assert getattr(caught.value, 'status_code', None) == 400
