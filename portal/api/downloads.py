"""Bulk downloads of the open-data API: /api/v1/periods/<key>/comments.csv|.jsonl and their
.sha256, views on the blueprint of routes.py (bulk.py makes the files)."""

from __future__ import annotations

from flask import current_app, g, request
from werkzeug import Response

from portal.api import bulk
from portal.api.errors import ApiError
from portal.api.http import check_params, if_match_fails, validated
from portal.api.routes import api_limit, bp
from portal.extensions import limiter
from portal.services import open_data

download_limit = limiter.limit(lambda: current_app.config["RATELIMIT_API_DOWNLOAD"])


def _download(key: str, fmt: str, checksum: bool) -> Response:
    check_params(())
    opener = current_app.extensions["portal_sessionmaker"]
    session = opener()
    try:
        open_data.snapshot(session)
        found = open_data.period_by_key(session, key)
        if found is None:
            raise ApiError(404, "period_not_found")
        download = bulk.prepare(session, found, fmt, g.lang)
        if checksum and if_match_fails(download.etag):
            raise ApiError(412, "precondition_failed")
    except BaseException:
        session.close()
        raise
    if checksum:
        text = f"{download.digest()}  {download.filename}\n"
        response = current_app.response_class(text, mimetype="text/plain")
    else:
        response = current_app.response_class(download.chunks(),
                                              content_type=download.content_type)
        response.call_on_close(session.close)
        response.headers["Content-Disposition"] = f'attachment; filename="{download.filename}"'
        if (digest := download.repr_digest()) is not None:
            response.headers["Repr-Digest"] = digest
    answer = validated(response, download.etag, download.last_modified, g.lang)
    if request.method == "HEAD" or answer.status_code == 304:
        # No body will be read, so nothing would close the snapshot: close it now, or its
        # transaction stays open (and blocks schema changes) until the response is collected.
        session.close()
    return answer


@bp.get("/periods/<key>/comments.csv")
@api_limit
@download_limit
def download_csv(key: str) -> Response:
    return _download(key, "csv", checksum=False)


@bp.get("/periods/<key>/comments.jsonl")
@api_limit
@download_limit
def download_jsonl(key: str) -> Response:
    return _download(key, "jsonl", checksum=False)


@bp.get("/periods/<key>/comments.csv.sha256")
@api_limit
@download_limit
def checksum_csv(key: str) -> Response:
    return _download(key, "csv", checksum=True)


@bp.get("/periods/<key>/comments.jsonl.sha256")
@api_limit
@download_limit
def checksum_jsonl(key: str) -> Response:
    return _download(key, "jsonl", checksum=True)

