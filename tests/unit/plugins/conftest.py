# Copyright (c) 2026, cdnops.cdn contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

"""A real sandbox server (tests/sandbox) for the module tests, one per test, on a free port."""

from __future__ import annotations

import os
import sys

import pytest

sys.path.insert(0, os.path.join(os.path.dirname(__file__), '..', '..', 'sandbox'))

import cdn_sandbox  # noqa: E402  pylint: disable=wrong-import-position

ALICDN_KEY_ID = 'LTAIsandboxDemoKey'
ALICDN_SECRET = 'sandbox-demo-secret'
JDCDN_USERNAME = 'sandbox_user'
JDCDN_SECRET = 'sandbox-demo-secret'

CREDENTIAL_VARIABLES = ('ALIBABA_CLOUD_ACCESS_KEY_ID', 'ALIBABA_CLOUD_ACCESS_KEY_SECRET', 'ALIBABA_CLOUD_SECURITY_TOKEN',
                        'ALICLOUD_ACCESS_KEY', 'ALICLOUD_SECRET_KEY', 'ALICLOUD_SECURITY_TOKEN', 'ALICDN_ENDPOINT',
                        'JDCDN_USERNAME', 'JDCDN_SECRET_KEY', 'JDCDN_ENDPOINT',
                        # the rest of the Alibaba credential chain (plugins/module_utils/_credentials.py)
                        'ALIBABA_CLOUD_PROFILE', 'ALICLOUD_PROFILE', 'ALICLOUD_SHARED_CREDENTIALS_FILE',
                        'ALIBABA_CLOUD_ECS_METADATA', 'ALICLOUD_ECS_ROLE_NAME', 'ALIBABA_CLOUD_ECS_METADATA_DISABLED',
                        'ALIBABA_CLOUD_IMDSV1_DISABLED', 'ALIBABA_CLOUD_ROLE_ARN', 'ALICLOUD_ASSUME_ROLE_ARN',
                        'ALIBABA_CLOUD_ROLE_SESSION_NAME', 'ALICLOUD_ASSUME_ROLE_SESSION_NAME',
                        'ALICLOUD_ASSUME_ROLE_SESSION_EXPIRATION')


@pytest.fixture
def sandbox():
    with cdn_sandbox.Sandbox(port=0, task_delay=0.2) as server:
        yield server


@pytest.fixture(autouse=True)
def clean_environment(monkeypatch, tmp_path):
    """No credential or endpoint leaks in from the machine running the tests (nor its ~/.aliyun/config.json)."""
    for name in CREDENTIAL_VARIABLES:
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv('ALICLOUD_SHARED_CREDENTIALS_FILE', str(tmp_path / 'no-aliyun-config.json'))
    monkeypatch.setenv('NO_PROXY', '127.0.0.1,localhost')


@pytest.fixture
def no_sleep(monkeypatch):
    """Retries and polls wait for real otherwise; record the waits instead."""
    waits = []
    monkeypatch.setattr('time.sleep', waits.append)
    return waits
