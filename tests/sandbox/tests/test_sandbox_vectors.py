# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""The published signature vectors of vendor-apis.md (A2.4, A3.3, B1.2) through the sandbox's own functions."""

from __future__ import annotations

import hashlib

import pytest

import sandbox_alicdn as ali
import sandbox_jdcdn as jd

V2_5_OBJECT_PATH = 'http://example.com/a b/*.jpg?x=1~\nhttp://example.com/dir/'
V2_1 = {
    'AccessKeyId': 'testid', 'Action': 'DescribeRegions', 'Format': 'XML', 'SignatureMethod': 'HMAC-SHA1',
    'SignatureNonce': '3ee8c1b8-83d3-44af-a94f-4e0ad82fd6cf', 'SignatureVersion': '1.0',
    'Timestamp': '2016-02-23T12:46:24Z', 'Version': '2014-05-26',
}
V2_7 = {
    'AccessKeyId': 'testid', 'Action': 'RefreshObjectCaches', 'Format': 'JSON', 'ObjectPath': V2_5_OBJECT_PATH,
    'ObjectType': 'File', 'SignatureMethod': 'HMAC-SHA1', 'SignatureNonce': 'c1a2f1e0-0000-4000-8000-000000000001',
    'SignatureVersion': '1.0', 'Timestamp': '2024-01-02T03:04:05Z', 'Version': '2018-05-10',
}

V2_VECTORS = {
    'V2-1': ('GET', V2_1, 'OLeaidS1JvxuMvnyHOwuJ+uX5qY='),
    'V2-2': ('GET', {
        'AccessKeyId': 'testid', 'Action': 'DescribeDedicatedHosts', 'Format': 'JSON', 'RegionId': 'cn-beijing',
        'SignatureMethod': 'HMAC-SHA1', 'SignatureNonce': 'edb2b34af0af9a6d14deaf7c1a5315eb', 'SignatureVersion': '1.0',
        'Timestamp': '2023-03-13T08:34:30Z', 'Version': '2014-05-26',
    }, '9NaGiOspFP5UPcwX8Iwt2YJXXuk='),
    'V2-3': ('GET', {
        'SignatureVersion': '1.0', 'Format': 'JSON', 'Timestamp': '2015-08-06T02:19:46Z', 'AccessKeyId': 'testid',
        'SignatureMethod': 'HMAC-SHA1', 'Version': '2014-11-11', 'Action': 'DescribeCdnService',
        'SignatureNonce': '9b7a44b0-3be1-11e5-8c73-08002700c460',
    }, 'KkkQOf0ymKf4yVZLggy6kYiwgFs='),
    'V2-4': ('GET', {**V2_1, 'SignatureType': ''}, 'l2RHWHoXOKbFEAkq17TTwV31vac='),
    'V2-5': ('POST', {
        'ObjectPath': V2_5_OBJECT_PATH, 'ObjectType': 'File', 'Version': '2018-05-10', 'Action': 'RefreshObjectCaches',
        'Format': 'JSON', 'RegionId': 'cn-hangzhou', 'Timestamp': '2024-01-02T03:04:05Z', 'SignatureMethod': 'HMAC-SHA1',
        'SignatureType': '', 'SignatureVersion': '1.0', 'SignatureNonce': 'c1a2f1e0-0000-4000-8000-000000000001',
        'AccessKeyId': 'testid',
    }, 'pHw7Y0xVMW8VXK8haKGki780EzI='),
    'V2-6': ('POST', {
        'Action': 'RefreshObjectCaches', 'Format': 'json', 'Version': '2018-05-10', 'Timestamp': '2024-01-02T03:04:05Z',
        'SignatureNonce': 'c1a2f1e000004000800000000000001a', 'SignatureMethod': 'HMAC-SHA1', 'SignatureVersion': '1.0',
        'AccessKeyId': 'testid', 'Force': 'True', 'ObjectPath': V2_5_OBJECT_PATH, 'ObjectType': 'File',
    }, 'X9kFf/pbKJET1cnHyHzub4MM2Hc='),
    'V2-7 GET': ('GET', V2_7, 'V09+jmhPFegbOWaLyNIfcefz5a8='),
    'V2-7 POST': ('POST', V2_7, 'y3JpeHkwUNQAGjnpCtvMz3YzZmg='),
}


@pytest.mark.parametrize('method, params, expected', V2_VECTORS.values(), ids=V2_VECTORS.keys())
def test_v2_vectors(method, params, expected):
    assert ali.v2_signature('testsecret', ali.v2_string_to_sign(method, params)) == expected


def test_v2_string_to_sign_v2_1_and_v2_5():
    assert ali.v2_string_to_sign('GET', V2_1) == (
        'GET&%2F&AccessKeyId%3Dtestid%26Action%3DDescribeRegions%26Format%3DXML%26SignatureMethod%3DHMAC-SHA1'
        '%26SignatureNonce%3D3ee8c1b8-83d3-44af-a94f-4e0ad82fd6cf%26SignatureVersion%3D1.0'
        '%26Timestamp%3D2016-02-23T12%253A46%253A24Z%26Version%3D2014-05-26')
    assert ali.v2_string_to_sign('POST', V2_VECTORS['V2-5'][1]) == (
        'POST&%2F&AccessKeyId%3Dtestid%26Action%3DRefreshObjectCaches%26Format%3DJSON%26ObjectPath%3Dhttp%253A%252F%252F'
        'example.com%252Fa%2520b%252F%252A.jpg%253Fx%253D1~%250Ahttp%253A%252F%252Fexample.com%252Fdir%252F'
        '%26ObjectType%3DFile%26RegionId%3Dcn-hangzhou%26SignatureMethod%3DHMAC-SHA1'
        '%26SignatureNonce%3Dc1a2f1e0-0000-4000-8000-000000000001%26SignatureType%3D%26SignatureVersion%3D1.0'
        '%26Timestamp%3D2024-01-02T03%253A04%253A05Z%26Version%3D2018-05-10')


def test_v2_signature_is_excluded_from_the_signed_set():
    assert ali.v2_string_to_sign('GET', {**V2_1, 'Signature': 'x'}) == ali.v2_string_to_sign('GET', V2_1)


EMPTY_SHA256 = 'e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855'


def test_v3_1_official_example():
    headers = {
        'host': ['ecs.cn-shanghai.aliyuncs.com'], 'x-acs-action': ['RunInstances'], 'x-acs-version': ['2014-05-26'],
        'x-acs-date': ['2023-10-26T10:22:32Z'], 'x-acs-signature-nonce': ['3156853299f313e23d1673dc12e1703d'],
        'x-acs-content-sha256': [EMPTY_SHA256],
    }
    query = [('ImageId', 'win2019_1809_x64_dtc_zh-cn_40G_alibase_20230811.vhd'), ('RegionId', 'cn-shanghai')]
    signed = ['host', 'x-acs-action', 'x-acs-content-sha256', 'x-acs-date', 'x-acs-signature-nonce', 'x-acs-version']
    canonical = ali.v3_canonical_request('POST', '/', query, headers, signed, EMPTY_SHA256)
    assert hashlib.sha256(canonical.encode()).hexdigest() == '7ea06492da5221eba5297e897ce16e55f964061054b7695beedaac1145b1e259'
    signature = ali.v3_signature('YourAccessKeySecret', ali.v3_string_to_sign(canonical))
    assert signature == '06563a9e1b43f5dfe96b81484da74bceab24a1d853912eee15083a6f0f3283c0'


V3_BODY = (b'Force=True&ObjectPath=http%3A%2F%2Fexample.com%2Fa+b%2F%2A.jpg%3Fx%3D1~%0Ahttp%3A%2F%2Fexample.com%2Fdir%2F'
           b'&ObjectType=File')
V3_HEADERS = {
    'accept': ['application/json'], 'content-type': ['application/x-www-form-urlencoded'], 'host': ['cdn.aliyuncs.com'],
    'user-agent': ['AlibabaCloud (test) Python/3.11 Core/0 TeaDSL/2'], 'x-acs-action': ['RefreshObjectCaches'],
    'x-acs-content-sha256': ['89537defb0b0ac496c289b56757fbda42c83b042bb1e7b144270e87a65a7f03c'],
    'x-acs-credentials-provider': ['static_ak'], 'x-acs-date': ['2024-01-02T03:04:05Z'],
    'x-acs-signature-nonce': ['c1a2f1e000004000800000000000001a'], 'x-acs-version': ['2018-05-10'],
}


@pytest.mark.parametrize('signed, expected', [
    (sorted(V3_HEADERS), 'a7933425aea47942337d0012a8da1870f5bee9499d0bda13752440ebf66c3b18'),
    (sorted(set(V3_HEADERS) - {'accept', 'user-agent'}), '197176d1513ed22dde2c52344775e73d4a3f008dafdc288d901da18ead351d1f'),
], ids=['V3-2', 'V3-3'])
def test_v3_cdn_refresh_vectors(signed, expected):
    payload_hash = hashlib.sha256(V3_BODY).hexdigest()
    assert payload_hash == V3_HEADERS['x-acs-content-sha256'][0]
    canonical = ali.v3_canonical_request('POST', '/', [], V3_HEADERS, signed, payload_hash)
    assert ali.v3_signature('testsecret', ali.v3_string_to_sign(canonical)) == expected


def test_v3_authorization_parsing():
    value = 'ACS3-HMAC-SHA256 Credential=testid,SignedHeaders=host;x-acs-date,Signature=abc'
    assert ali.parse_v3_authorization(value) == {'Credential': 'testid', 'SignedHeaders': 'host;x-acs-date', 'Signature': 'abc'}
    assert ali.parse_v3_authorization('ACS3-HMAC-SHA256 Credential=testid') is None
    assert ali.parse_v3_authorization('Bearer x') is None


def test_jd_published_vector():
    assert jd.jd_signature('20161023', 'jcloud_00', 'e7a31b1c5ea0efa9aa2f29c6559f7d61') == 'a35685491fd80a80b40a718c3a5c5c56'


def test_jd_signature_date_is_utc_plus_8():
    at_17h_utc = 1704128400  # 2024-01-01T17:00:00Z
    assert jd.signature_dates(at_17h_utc, lenient=False) == ['20240102']
    assert jd.signature_dates(at_17h_utc, lenient=True) == ['20240102', '20240101']
