"""Media on S3-compatible object storage, when AWS_STORAGE_BUCKET_NAME is set.

The bucket stays private: objects are written with a private ACL and every
download is streamed by the permission-checked views (Wagtail's serve view with
WAGTAILDOCS_SERVE_METHOD="serve_view", documents.views.serve.file_response), so
no bucket URL is ever handed to a browser. Signed URLs are kept on
(querystring_auth) so that even a URL leaked by mistake expires quickly.
"""

from . import env


def s3_storage():
    options = {
        "bucket_name": env.get("AWS_STORAGE_BUCKET_NAME"),
        "default_acl": "private",
        "querystring_auth": True,
        "querystring_expire": 60,
        "file_overwrite": False,
        "object_parameters": {"CacheControl": "private, max-age=0"},
    }
    # Empty means "not set": let boto3 fall back to its own chain (instance role, profile).
    optional = {
        "endpoint_url": "AWS_S3_ENDPOINT_URL",
        "region_name": "AWS_S3_REGION_NAME",
        "access_key": "AWS_ACCESS_KEY_ID",
        "secret_key": "AWS_SECRET_ACCESS_KEY",
    }
    for option, variable in optional.items():
        value = env.get(variable)
        if value:
            options[option] = value
    return {"BACKEND": "storages.backends.s3.S3Storage", "OPTIONS": options}
