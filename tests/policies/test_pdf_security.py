"""PDF rendering reads no server file and no URL but the bundled fonts, whatever editors type."""

import logging
import os
import shutil
import struct
import tempfile
import threading
import uuid
import zlib
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest
from django.urls import reverse
from pypdf.generic import DictionaryObject

from tests.policies.test_pdf import pdf_text
from wagtail_privacy.policies import pdf as pdf_module
from wagtail_privacy.policies.models import PolicyVersionText
from wagtail_privacy.policies.pages import PolicyPage

API = "/api/privacy/v1/policies/privacy-policy"


def png(width=8, height=8):
    rows = b"".join(b"\x00" + b"\xff\x00\x00" * width for _ in range(height))

    def chunk(kind, data):
        return (
            struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))
        )

    header = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)
    return (
        b"\x89PNG\r\n\x1a\n"
        + chunk(b"IHDR", header)
        + chunk(b"IDAT", zlib.compress(rows))
        + chunk(b"IEND", b"")
    )


class Secrets:
    """Files no PDF may read, and a local server no PDF may call; all carry ``marker``."""

    def __init__(self, directory, base):
        self.marker = f"TOPSECRET{uuid.uuid4().hex}"
        self.files = {
            "s.txt": self.marker.encode(),
            "s.css": f'body::after {{ content: "{self.marker}" }}'.encode(),
            "s.png": png(),
            "s.svg": f'<svg xmlns="http://www.w3.org/2000/svg"><text>{self.marker}</text></svg>'.encode(),
        }
        for name, data in self.files.items():
            (directory / name).write_bytes(data)
        self.roots = [directory.as_uri() + "/", base]
        # The same files again, relative to the fonts the PDF's base URL points at.
        self.roots.append(os.path.relpath(directory, pdf_module.FONT_DIR) + "/")

    def vectors(self):
        html = []
        for root in self.roots:
            html.append(
                f'<p><a rel="attachment" href="{root}s.txt">file</a></p>'
                f'<link rel="attachment" href="{root}s.txt">'
                f'<link rel="stylesheet" href="{root}s.css">'
                f"<style>@import url('{root}s.css');</style>"
                f'<p><img src="{root}s.png" alt=""><img src="{root}s.svg" alt=""></p>'
                f'<p style="background: url({root}s.png)">styled</p>'
                f"<ul style=\"list-style-image: url('{root}s.png')\"><li>item</li></ul>"
                f'<object data="{root}s.png"></object><embed src="{root}s.png">'
                f'<iframe src="{root}s.txt"></iframe>'
            )
        return "".join(html)

    def title(self):
        root = self.roots[0]
        return (
            f'Privacy "policy" \\ </style><link rel=attachment href={root}s.txt>'
            f"<link rel=stylesheet href={self.roots[1]}s.css><style>"
        )

    def summary(self):
        return f"Changed </style><a rel=attachment href={self.roots[0]}s.txt>x</a> {self.vectors()}"


@pytest.fixture
def secrets():
    """Secret files in a short directory (hostile titles must fit in 255 characters), and a
    local HTTP server that serves them and records every request in ``secrets.hits``."""
    hits = []

    class Handler(BaseHTTPRequestHandler):
        def do_GET(self):
            hits.append(self.path)
            data = found.files.get(self.path.rsplit("/", 1)[-1], b"x")
            self.send_response(200)
            self.send_header("Content-Length", str(len(data)))
            self.end_headers()
            self.wfile.write(data)

        def log_message(self, *args):
            pass

    httpd = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    threading.Thread(target=httpd.serve_forever, daemon=True).start()
    directory = Path(tempfile.mkdtemp(prefix="wps"))
    found = Secrets(directory, f"http://127.0.0.1:{httpd.server_port}/")
    found.hits = hits
    yield found
    httpd.shutdown()
    httpd.server_close()
    shutil.rmtree(directory, ignore_errors=True)


def objects(reader):
    ids = {idnum for generation in reader.xref.values() for idnum in generation}
    for idnum in ids | set(reader.xref_objStm):
        obj = reader.get_object(idnum)
        if isinstance(obj, DictionaryObject):
            yield obj


def assert_nothing_leaked(data, secrets):
    assert secrets.hits == []
    marker = secrets.marker
    assert marker.encode() not in data
    reader, text = pdf_text(data)
    assert marker not in text
    assert "/EmbeddedFiles" not in reader.trailer["/Root"].get("/Names", {})
    for page in reader.pages:
        for annotation in page.get("/Annots") or []:
            assert annotation.get_object().get("/Subtype") != "/FileAttachment"
        assert list(page.images) == []
    for obj in objects(reader):
        assert obj.get("/Type") not in ("/EmbeddedFile", "/Filespec")
        assert obj.get("/Subtype") not in ("/Image", "/FileAttachment")
        if hasattr(obj, "get_data"):
            assert marker.encode() not in obj.get_data()
    return reader, text


def assert_fonts_loaded(reader):
    """The @font-face fonts (Source Sans Pro, read from FONT_DIR) are embedded."""
    embedded = set()
    for page in reader.pages:
        for font in page["/Resources"].get("/Font", {}).values():
            font = font.get_object()
            for descendant in font.get("/DescendantFonts", []):
                descriptor = descendant.get_object()["/FontDescriptor"].get_object()
                if "/FontFile2" in descriptor:
                    embedded.add(str(font["/BaseFont"]).split("+")[-1])
    assert {"Policy-Sans", "Policy-Sans-Bold"} <= embedded, embedded


def compact(text):
    # Long titles wrap in the heading and the running header.
    return "".join(text.split())


@pytest.mark.django_db
def test_published_pdf_of_a_hostile_version_leaks_nothing(client, policies, storage, secrets):
    page = policies.create(title=secrets.title())
    policies.publish(page, summary=secrets.summary(), text=secrets.vectors())
    assert "<embed src=" in PolicyVersionText.objects.get().body_html  # reaches WeasyPrint

    response = client.get(f"{API}/versions/1/pdf/")
    assert response.status_code == 200
    reader, text = assert_nothing_leaked(b"".join(response.streaming_content), secrets)
    assert_fonts_loaded(reader)
    # Once as the heading, once as the running header, character for character.
    assert compact(reader.pages[0].extract_text()).count(compact(secrets.title())) == 2
    assert "Version 1 · valid from" in text


@pytest.mark.django_db
def test_draft_preview_of_a_hostile_draft_leaks_nothing(client, editor, policies, secrets):
    page = policies.create()
    page = PolicyPage.objects.get(pk=page.pk)
    page.title = secrets.title()
    page.change_summary = secrets.summary()
    page.body = [{"type": "paragraph", "value": secrets.vectors()}]
    page.save_revision()
    draft = page.get_latest_revision_as_object().draft_document()
    assert "<embed src=" in draft.body_html and draft.title == secrets.title()
    client.force_login(editor)

    response = client.get(reverse("wagtailadmin_pages:view_draft", args=[page.pk]) + "?mode=pdf")
    assert response.status_code == 200
    reader, text = assert_nothing_leaked(response.content, secrets)
    assert_fonts_loaded(reader)
    assert compact(reader.pages[0].extract_text()).count(compact(secrets.title())) == 2
    assert "Draft — not published" in text


@pytest.mark.django_db
def test_normal_titles_keep_their_header_and_footer(policies, storage):
    page = policies.create(title="Pravilnik o zasebnosti: čšž, äöü & “quotes”")
    policies.publish(page)
    text = PolicyVersionText.objects.get()
    data = pdf_module.render_pdf(pdf_module.PdfDocument.of_text(text))
    _reader, extracted = pdf_text(data)
    assert extracted.count("Pravilnik o zasebnosti: čšž, äöü & “quotes”") == 2
    assert "Version 1 · valid from" in extracted
    assert "Page 1 of 1" in extracted


def test_css_string_cannot_close_the_string_or_the_style():
    value = pdf_module.css_string('a"b\\c</style>\nd')
    assert value.startswith('"') and value.endswith('"')
    inner = value[1:-1]
    assert not set(inner) & set('"<>\n\r\f') and "\\\\" not in inner
    assert inner == r"a\000022b\00005Cc\00003C\00002Fstyle\00003E\000020d"


def test_fetcher_allows_only_the_bundled_fonts(tmp_path, caplog):
    font = pdf_module.FONT_DIR / "SourceSansPro-Regular.ttf"
    assert pdf_module.allowed_file(font.as_uri()) == font.resolve()
    fetcher = pdf_module.url_fetcher()
    response = fetcher(font.as_uri())
    if hasattr(response, "read"):  # Older WeasyPrint fetchers return a dict.
        assert response.read() == font.read_bytes()
        response.close()

    outside = tmp_path / "link.ttf"
    outside.symlink_to("/etc/passwd")
    inside_link = tmp_path / "font.ttf"
    inside_link.symlink_to(font)
    assert pdf_module.allowed_file(inside_link.as_uri()) == font.resolve()
    refused = [
        "file:///etc/passwd",
        "file://localhost/etc/passwd",
        "file://example.com/etc/passwd",
        pdf_module.FONT_DIR.as_uri() + "/../../../../../../etc/passwd",
        pdf_module.FONT_DIR.as_uri() + "/%2e%2e/%2e%2e/%2e%2e/%2e%2e/%2e%2e/etc/passwd",
        pdf_module.FONT_DIR.as_uri() + "/",
        pdf_module.FONT_DIR.as_uri() + "/missing.ttf",
        outside.as_uri(),
        "/etc/passwd",
        "http://127.0.0.1:1/font.ttf",
        "https://example.com/font.ttf",
        "ftp://example.com/font.ttf",
        "data:text/plain,hello",
    ]
    for url in refused:
        with pytest.raises(pdf_module.RefusedUrl):
            pdf_module.allowed_file(url)
        with pytest.raises(pdf_module.RefusedUrl):
            fetcher(url)

    caplog.clear()
    with caplog.at_level(logging.WARNING, logger=pdf_module.__name__):
        with pytest.raises(pdf_module.RefusedUrl):
            pdf_module.allowed_file("http://user:pw@127.0.0.1:1/p?email=ana@example.com#x")
    assert "http://127.0.0.1/p" in caplog.text
    assert "ana@example.com" not in caplog.text and "pw" not in caplog.text
