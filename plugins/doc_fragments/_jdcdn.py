# Copyright (c) 2026, cdnops.cdn contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

from __future__ import annotations


class ModuleDocFragment:

    # JD Cloud CDN (legacy opencdn API) credentials and endpoint.
    DOCUMENTATION = r"""
options:
  username:
    description:
      - The JD Cloud user name (the JD "pin") the open API was enabled for.
      - If not set, the environment variable E(JDCDN_USERNAME) is used.
    type: str
  secret_key:
    description:
      - The open API secret key JD issued for O(username). Never shown in any output.
      - If not set, E(JDCDN_SECRET_KEY) is used.
    type: str
  endpoint:
    description:
      - The opencdn API endpoint, C(https://host) or C(http://host:port).
      - If not set, E(JDCDN_ENDPOINT) is used, then V(https://opencdn.jcloud.com).
      - Point it at the collection's sandbox (C(tests/sandbox/)) to rehearse offline.
    type: str
notes:
  - Calls go to JD's legacy opencdn API as C(POST /api/<name>) with a JSON body. Each carries O(username) and a signature,
    the MD5 of the date, the user name and the secret key. The date is the calendar date in UTC+8 (Asia/Shanghai),
    whatever the controller's time zone, so the controller's clock must be right; the module signs every attempt anew,
    so a retry after midnight in UTC+8 uses the new date.
  - The signature is valid for a whole day, so it is treated as a secret and never shown in any output.
  - JD's legacy API must be enabled for the account by a support ticket ("Enable open api service").
"""

    ACTIONGROUP = r"""
attributes:
  action_group:
    description: Use C(group/cdnops.cdn.jdcdn) or C(group/cdnops.cdn.all) in C(module_defaults) to set options once per play.
    support: full
    membership:
      - cdnops.cdn.jdcdn
      - cdnops.cdn.all
"""
