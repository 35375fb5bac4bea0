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
      - The options O(access_key_id), O(access_key_secret) and O(security_token) are one source of credentials, used as
        a unit and never completed from elsewhere. When they are set, the environment, the profile file and the ECS role
        are not read. Setting only some of them is an error.
      - When none is set, the module looks, in this order, at E(ALIBABA_CLOUD_ACCESS_KEY_ID),
        E(ALIBABA_CLOUD_ACCESS_KEY_SECRET) and E(ALIBABA_CLOUD_SECURITY_TOKEN); then at E(ALICLOUD_ACCESS_KEY),
        E(ALICLOUD_SECRET_KEY) and E(ALICLOUD_SECURITY_TOKEN) (each family as a unit, an ID and a secret from the same
        family and only that family's token); then at the aliyun CLI profile (O(profile)); then at the ECS instance RAM
        role (O(ecs_role_name)). The first complete source wins; RV(credential_source) says which one it was.
    type: str
    aliases: [alicloud_access_key]
  access_key_secret:
    description:
      - The AccessKey secret. Never shown in any output.
    type: str
    aliases: [alicloud_secret_key]
  security_token:
    description:
      - The STS security token, with temporary credentials only. Never shown in any output.
    type: str
    aliases: [alicloud_security_token]
  profile:
    description:
      - The profile to use in the aliyun CLI file O(shared_credentials_file), when neither the options nor the
        environment give credentials.
      - If not set, E(ALIBABA_CLOUD_PROFILE) is used, then E(ALICLOUD_PROFILE), then the file's C(current) profile
        (V(default) if the file names none).
      - "Profile modes: C(AK) (C(access_key_id), C(access_key_secret)), C(StsToken) (plus C(sts_token)), C(RamRoleArn)
        (the profile's keys assume C(ram_role_arn) with C(ram_session_name), C(expired_seconds), C(policy) and
        C(external_id), through O(sts_endpoint)) and C(EcsRamRole) (the instance role C(ram_role_name), found from the
        metadata service when empty). Other modes are an error."
      - A profile asked for by name that is not in the file is an error listing the file's profiles; so is a file that is
        not JSON. A missing file is skipped unless a profile was asked for by name.
    type: str
  shared_credentials_file:
    description:
      - The aliyun CLI configuration file.
      - If not set, E(ALICLOUD_SHARED_CREDENTIALS_FILE) is used, then C(~/.aliyun/config.json).
    type: path
  ecs_role_name:
    description:
      - The RAM role of the ECS instance the module runs on, whose temporary credentials the instance metadata service
        (O(ecs_metadata_endpoint)) hands out. The last source of the chain.
      - If not set, E(ALIBABA_CLOUD_ECS_METADATA) is used, then E(ALICLOUD_ECS_ROLE_NAME). When all are empty the role
        attached to the instance is found from the metadata service.
      - The ECS role is tried only when asked for, so that a machine without credentials never waits on the metadata
        address, namely when O(ecs_role_name) (or one of its variables) or O(ecs_metadata_endpoint) is set, or when
        O(assume_role_arn) is set and no other source gave credentials (AssumeRole from the instance's role), or when
        the profile's mode is C(EcsRamRole). Never when E(ALIBABA_CLOUD_ECS_METADATA_DISABLED) is V(true).
      - The module asks for an IMDSv2 token first (C(PUT /latest/api/token)) and sends it with every metadata request;
        if the service gives none it falls back to requests without a token, unless E(ALIBABA_CLOUD_IMDSV1_DISABLED) is
        V(true).
    type: str
  ecs_metadata_endpoint:
    description:
      - The ECS instance metadata service, C(http://host[:port]).
      - If not set, V(http://100.100.100.200). Setting it also makes the module try the ECS role (see O(ecs_role_name)).
    type: str
  assume_role_arn:
    description:
      - The ARN of a RAM role to assume (C(acs:ram::<account>:role/<name>)) with the credentials of whichever source won,
        through STS C(AssumeRole) at O(sts_endpoint). Every CDN call is then signed with the temporary key and token.
      - If not set, E(ALIBABA_CLOUD_ROLE_ARN) is used, then E(ALICLOUD_ASSUME_ROLE_ARN).
    type: str
  assume_role_session_name:
    description:
      - The session name of the assumed role, shown in the role's ActionTrail events (2 to 64 of C(A-Za-z0-9.@_-)).
      - If not set, E(ALIBABA_CLOUD_ROLE_SESSION_NAME) is used, then E(ALICLOUD_ASSUME_ROLE_SESSION_NAME), then
        V(cdnops-cdn).
    type: str
  assume_role_session_expiration:
    description:
      - How long the assumed role's credentials are valid, in seconds, from 900 to 43200 (the role's maximum session
        duration must allow it). They are renewed if they would expire during the run.
      - If not set, E(ALICLOUD_ASSUME_ROLE_SESSION_EXPIRATION) is used, then V(3600).
    type: int
  sts_endpoint:
    description:
      - The STS endpoint for O(assume_role_arn) and C(RamRoleArn) profiles, C(https://host) or C(http://host:port).
      - If not set, V(https://sts.aliyuncs.com).
    type: str
  endpoint:
    description:
      - The CDN API endpoint, C(https://host) or C(http://host:port).
      - If not set, E(ALICDN_ENDPOINT) is used, then V(https://cdn.aliyuncs.com).
      - Point it at the collection's sandbox (C(tests/sandbox/)) to rehearse offline.
    type: str
notes:
  - Calls are signed with Alibaba's signature V2 (HMAC-SHA1) and sent as C(POST /) with the common parameters in the query
    string and the operation parameters in a form body, as the official SDKs do. STS C(AssumeRole) is signed the same way
    and goes through the same retries and TLS settings.
  - Every secret and token, whatever its source (options, environment, profile file, metadata service, STS), is kept
    out of every result, message and log.
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
