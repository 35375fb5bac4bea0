# Copyright (c) 2026, cdnops.cdn contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

"""What users run instead of the collection: a plain script on Alibaba's official Python SDKs, in one of two patterns.

  sample  Alibaba's sample-script pattern on the legacy SDK (aliyun-python-sdk-cdn RefreshObjectCachesRequest over
          aliyun-python-sdk-core): 20 URLs a call in list order (not grouped by domain), 1 s sleep between calls
  best    the best plain sequential script, on the current SDK (alibabacloud-cdn20180510, signature V3): URLs grouped by
          domain, up to 1,000 URLs and 10 domains a call, no sleep. (Not the legacy SDK: it puts every parameter in
          the query string, and 1,000 URLs make a request line of about 64 KB, over the sandbox's 65,536 bytes.)

Usage: sdk_refresh.py PATTERN URL_FILE HOST:PORT   (URL_FILE: one URL a line; HOST:PORT: the endpoint, over http)
Credentials: ALIBABA_CLOUD_ACCESS_KEY_ID and ALIBABA_CLOUD_ACCESS_KEY_SECRET. It stops at the first error, as a
script without error handling would. Prints one JSON line: {"calls": accepted calls, "task_ids": [...], "error": code
or null}; exits 1 on an error.
"""

from __future__ import annotations

import json
import os
import sys
import time

# Each pattern imports only its own SDK (as a script written for it would), inside its sender.
# pylint: disable=import-outside-toplevel


def sample_batches(urls):
    """20 URLs a call, in the order given."""
    return [urls[start:start + 20] for start in range(0, len(urls), 20)]


def best_batches(urls):
    """URLs grouped by domain (in order of first appearance), calls filled up to 1,000 URLs from at most 10 domains."""
    by_domain = {}
    for url in urls:
        by_domain.setdefault(url.split('://', 1)[-1].split('/', 1)[0].lower(), []).append(url)
    batches = [[]]
    domains = set()
    for domain, group in by_domain.items():
        for url in group:
            if len(batches[-1]) == 1000 or (domain not in domains and len(domains) == 10):
                batches.append([])
                domains = set()
            batches[-1].append(url)
            domains.add(domain)
    return [batch for batch in batches if batch]


def legacy_sender(key_id, secret, endpoint):
    """A function sending one batch with the legacy SDK; returns its RefreshTaskId."""
    from aliyunsdkcdn.request.v20180510.RefreshObjectCachesRequest import RefreshObjectCachesRequest
    from aliyunsdkcore.client import AcsClient

    client = AcsClient(key_id, secret, 'cn-hangzhou')

    def send(batch):
        request = RefreshObjectCachesRequest()
        request.set_endpoint(endpoint)
        request.set_protocol_type('http')
        request.set_ObjectPath('\n'.join(batch))
        request.set_ObjectType('File')
        return json.loads(client.do_action_with_exception(request))['RefreshTaskId']
    return send


def tea_sender(key_id, secret, endpoint):
    """A function sending one batch with the current (Tea) SDK; returns its RefreshTaskId."""
    from alibabacloud_cdn20180510 import models as tea_models
    from alibabacloud_cdn20180510.client import Client as TeaClient
    from alibabacloud_tea_openapi import models as openapi_models

    client = TeaClient(openapi_models.Config(access_key_id=key_id, access_key_secret=secret, endpoint=endpoint,
                                             protocol='http', region_id='cn-hangzhou'))

    def send(batch):
        request = tea_models.RefreshObjectCachesRequest(object_path='\n'.join(batch), object_type='File')
        return client.refresh_object_caches(request).body.refresh_task_id
    return send


def main(pattern, url_file, endpoint):
    with open(url_file, encoding='utf-8') as stream:
        urls = [line.strip() for line in stream if line.strip()]
    credentials = os.environ['ALIBABA_CLOUD_ACCESS_KEY_ID'], os.environ['ALIBABA_CLOUD_ACCESS_KEY_SECRET'], endpoint
    if pattern == 'sample':
        batches, send = sample_batches(urls), legacy_sender(*credentials)
    else:
        batches, send = best_batches(urls), tea_sender(*credentials)
    task_ids = []
    accepted = 0
    error = None
    for number, batch in enumerate(batches):
        if pattern == 'sample' and number:
            time.sleep(1)
        try:
            task_id = send(batch)
        except Exception as exc:  # pylint: disable=broad-exception-caught  # any SDK error ends the script, reported
            error = getattr(exc, 'code', None) or getattr(exc, 'error_code', None) or repr(exc)[:200]
            break
        accepted += 1
        task_ids.extend(task_id.split(','))
    print(json.dumps({'calls': accepted, 'task_ids': task_ids, 'error': error}))
    return 1 if error else 0


if __name__ == '__main__':
    sys.exit(main(*sys.argv[1:]))
