"""Refuse uploads larger than DOCUMENT_MAX_UPLOAD_SIZE while they stream in.

Listed first in FILE_UPLOAD_HANDLERS: Django feeds it every chunk before the
memory/temporary-file handlers, so an oversized file is abandoned after at most
one chunk beyond the limit instead of being written out and measured later.
"""

from django.core.files.uploadhandler import FileUploadHandler, StopUpload

from . import conf

TOO_LARGE_ATTR = "upload_too_large"


def upload_was_too_large(request):
    """True if this request's upload was cut off (parses the body first: the flag is set while parsing)."""
    request.FILES  # noqa: B018 - force the lazy multipart parsing
    return getattr(request, TOO_LARGE_ATTR, False)


def limit_bytes():
    return conf.get("DOCUMENT_MAX_UPLOAD_SIZE")


class MaxSizeUploadHandler(FileUploadHandler):
    def handle_raw_input(self, input_data, META, content_length, boundary, encoding=None):
        # A body far larger than the limit (allowing for form fields) is refused before reading it.
        # (StopUpload is only caught once files are being parsed: refuse at the first file.)
        self.body_too_large = bool(content_length and content_length > limit_bytes() + 1024 * 1024)
        self.received = 0

    def new_file(self, *args, **kwargs):
        super().new_file(*args, **kwargs)
        self.received = 0
        if getattr(self, "body_too_large", False):
            self._refuse()

    def receive_data_chunk(self, raw_data, start):
        self.received += len(raw_data)
        if self.received > limit_bytes():
            self._refuse()
        return raw_data

    def file_complete(self, file_size):
        return None

    def _refuse(self):
        setattr(self.request, TOO_LARGE_ATTR, True)
        # connection_reset=False: Django drains the rest of the body without storing it.
        raise StopUpload(connection_reset=False)
