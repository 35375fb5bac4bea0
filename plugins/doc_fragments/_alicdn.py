# Copyright (c) 2026, cdnops.cdn contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

from __future__ import annotations


class ModuleDocFragment:

    # Alibaba Cloud credentials and endpoint.
    DOCUMENTATION = r"""
options:
  access_key_id:
    description:
      - The AccessKey ID of an Alibaba Cloud account or RAM user (with STS, the temporary C(STS.) ID).
      - If not set, the environment variable E(ALIBABA_CLOUD_ACCESS_KEY_ID) is used, then E(ALICLOUD_ACCESS_KEY).
    type: str
    aliases: [alicloud_access_key]
  access_key_secret:
    description:
      - The AccessKey secret. Never shown in any output.
      - If not set, E(ALIBABA_CLOUD_ACCESS_KEY_SECRET) is used, then E(ALICLOUD_SECRET_KEY).
    type: str
    aliases: [alicloud_secret_key]
  security_token:
    description:
      - The STS security token, with temporary credentials only. Never shown in any output.
      - If not set, E(ALIBABA_CLOUD_SECURITY_TOKEN) is used, then E(ALICLOUD_SECURITY_TOKEN).
    type: str
    aliases: [alicloud_security_token]
  endpoint:
    description:
      - The CDN API endpoint, C(https://host) or C(http://host:port).
      - If not set, E(ALICDN_ENDPOINT) is used, then V(https://cdn.aliyuncs.com).
      - Point it at the collection's sandbox (C(tests/sandbox/)) to rehearse offline.
    type: str
notes:
  - Calls are signed with Alibaba's signature V2 (HMAC-SHA1) and sent as C(POST /) with the common parameters in the query
    string and the operation parameters in a form body, as the official SDKs do.
"""

    ACTIONGROUP = r"""
attributes:
  action_group:
    description: Use C(group/cdnops.cdn.alicdn) or C(group/cdnops.cdn.all) in C(module_defaults) to set options once per play.
    support: full
    membership:
      - cdnops.cdn.alicdn
      - cdnops.cdn.all
"""
