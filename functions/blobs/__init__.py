"""Attachments: presigned uploads to a BlobStore (local folder or S3), checked by content afterwards."""
