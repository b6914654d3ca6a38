"""Bulk downloads of the open-data API: /api/v1/periods/<key>/comments.csv|.jsonl and their
.sha256, views on the blueprint of routes.py.

A built file (bulk_files.py) is sent from disk with its validators, length, digest and ranges;
the checksum is its recorded SHA-256. Without the current file a small period is streamed in
the request (bulk.py) while the file is built; a larger one gets its last file, or 503 with
Retry-After until the first is built.
"""

from __future__ import annotations

from flask import current_app, g, request
from werkzeug import Response
from werkzeug.wsgi import wrap_file

from portal.api import bulk, bulk_files
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
        small = download.rows <= current_app.config["BULK_STREAM_MAX_ROWS"]
        opened = None
        # Files are built for the site's own address; a request by another name streams a
        # small period with its own links, as it always did, and gets the site's file of a
        # larger one.
        site = bulk_files.for_site(download) if bulk_files.at_site() or not small else None
        if site is not None:
            opened = bulk_files.choose(site, may_stream=small)
            if opened is None and not small:
                raise ApiError(503, "file_being_prepared", headers={
                    "Retry-After": str(bulk_files.retry_after(download.rows))})
        if opened is None and checksum and if_match_fails(download.etag):
            raise ApiError(412, "precondition_failed")
    except BaseException:
        session.close()
        raise
    if opened is not None:
        session.close()  # everything comes from the file now
        return _send_built(opened, download.filename, download.content_type, checksum)
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


def _send_built(opened: bulk_files.Opened, filename: str, content_type: str,
                checksum: bool) -> Response:
    """A built file, or its checksum, with the file's own validators (an earlier snapshot's,
    when that is what is sent)."""
    built = opened.built
    if checksum:
        opened.handle.close()
        if if_match_fails(built.etag):
            raise ApiError(412, "precondition_failed")
        response = current_app.response_class(f"{built.sha256}  {filename}\n",
                                              mimetype="text/plain")
        return validated(response, built.etag, built.last_modified, g.lang)
    response = current_app.response_class(wrap_file(request.environ, opened.handle),
                                          content_type=content_type, direct_passthrough=True)
    response.content_length = built.size
    response.headers["Content-Disposition"] = f'attachment; filename="{filename}"'
    # RFC 9530: the digest of the whole file, whichever range is sent.
    response.headers["Repr-Digest"] = built.repr_digest
    response.set_etag(built.etag)
    if built.last_modified is not None:
        response.last_modified = built.last_modified
    response.headers["Cache-Control"] = "public, no-cache"
    response.headers["Content-Language"] = g.lang
    response.vary.add("Accept-Language")
    # 304 on If-None-Match / If-Modified-Since, 206 on Range (a harvester resumes).
    response.make_conditional(request.environ, accept_ranges=True, complete_length=built.size)
    if request.method == "HEAD" or response.status_code in (304, 412):
        opened.handle.close()  # no body will be read
    return response


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
