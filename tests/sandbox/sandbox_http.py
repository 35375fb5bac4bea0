# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""The request and response records passed between the HTTP server and the vendor emulations."""

from __future__ import annotations

import dataclasses
import json
from urllib.parse import parse_qsl


@dataclasses.dataclass
class ApiRequest:
    """One HTTP request as received: headers maps a lower-case name to the list of its values."""
    method: str
    path: str
    query_string: str
    headers: dict
    body: bytes

    @property
    def query(self):
        return parse_qsl(self.query_string, keep_blank_values=True)

    def header(self, name, default=None):
        values = self.headers.get(name.lower())
        return values[0] if values else default


@dataclasses.dataclass
class ApiResponse:
    """code is the vendor error code or status, kept for the request log (None or 0 on success)."""
    http_status: int
    body: bytes
    content_type: str = 'application/json;charset=utf-8'
    code: object = None


def json_response(http_status, data, code=None):
    return ApiResponse(http_status, json.dumps(data, ensure_ascii=False).encode('utf-8'), code=code)
