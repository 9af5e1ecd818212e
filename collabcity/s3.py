"""The private storage in an S3-compatible bucket (settings: MEDIA_S3_BUCKET).

Imported only when configured, so that boto3 loads only where it is used.
"""

from storages.backends.s3 import S3Storage

from .files import PrivateURLMixin


class PrivateS3Storage(PrivateURLMixin, S3Storage):
    """Private files in the bucket: never a signed link, whoever renders a URL; the only way in
    is the view that checks the permission, which reads the file through the storage."""
