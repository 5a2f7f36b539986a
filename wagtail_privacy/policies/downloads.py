"""HTTP responses for stored policy PDFs: strong ETag, immutable caching, 304s."""

from django.http import FileResponse, HttpResponseNotModified
from django.utils.http import parse_etags

from .pdf import PdfDocument, open_pdf, stored_pdf

CACHE_CONTROL = "public, max-age=31536000, immutable"


def pdf_response(request, text):
    """Serve the PDF of ``text`` (rendering it on first request); 304 when the ETag matches.

    ``text`` is the one the reader gets, the default language's when theirs has none: the
    response names that language (``Content-Language``, the filename), not the one asked for.
    """
    record = stored_pdf(text)
    etag = f'"{record.sha256}"'
    document = PdfDocument.of_text(text)
    wanted = parse_etags(request.headers.get("If-None-Match", ""))
    if etag in wanted or "*" in wanted:
        response = HttpResponseNotModified()
    else:
        response = FileResponse(
            open_pdf(record),
            content_type="application/pdf",
            as_attachment=True,
            filename=document.filename,
        )
        response["Content-Length"] = str(record.size)
    response["ETag"] = etag
    response["Cache-Control"] = CACHE_CONTROL
    response["Content-Language"] = document.language
    return response
