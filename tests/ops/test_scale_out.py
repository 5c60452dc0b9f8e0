"""Two web processes and two Celery workers share one PostgreSQL, one Redis and
one object storage (moto in server mode on loopback), and nothing else: each
process has its own empty MEDIA_ROOT. An upload through web A is downloadable
through web B with the same session, and whichever worker takes the extraction
task runs it."""

import re
import time
import uuid

import boto3
import pytest
import redis
from django.contrib.auth.hashers import PBKDF2PasswordHasher

from documents.models import ExtractionStatus, IntranetDocument
from tests import services
from tests.documents import corpus
from workgroups.membership import Role, set_role

from . import servers

PASSWORD = "mot-de-passe-echelle"
pytestmark = [
    pytest.mark.postgres,
    pytest.mark.redis,
    pytest.mark.celery_worker,
    pytest.mark.django_db(transaction=True),
]


@pytest.fixture
def member(make_user, make_group):
    group = make_group("hydrogene", "Hydrogène", "prive")
    user = make_user("membre-echelle")
    # The web processes use production hashers; a cheap PBKDF2 hash keeps the test fast.
    user.password = PBKDF2PasswordHasher().encode(PASSWORD, "selechelle1234", iterations=1000)
    user.save()
    set_role(group, user, Role.MEMBER)
    return group


@pytest.fixture
def object_storage():
    port = services.free_port()
    process = servers.start_moto(port)
    endpoint, bucket = f"http://127.0.0.1:{port}", f"ailb-echelle-{uuid.uuid4().hex[:8]}"
    keys = {"AWS_ACCESS_KEY_ID": "cle-echelle", "AWS_SECRET_ACCESS_KEY": "secret-echelle"}
    client = boto3.client(
        "s3", endpoint_url=endpoint, region_name="us-east-1",
        aws_access_key_id=keys["AWS_ACCESS_KEY_ID"], aws_secret_access_key=keys["AWS_SECRET_ACCESS_KEY"],
    )  # fmt: skip
    client.create_bucket(Bucket=bucket)
    yield client, bucket, {
        **keys, "AWS_STORAGE_BUCKET_NAME": bucket, "AWS_S3_ENDPOINT_URL": endpoint, "AWS_S3_REGION_NAME": "us-east-1",
    }  # fmt: skip
    servers.stop(process)


def _env(tmp_path, name, storage_env):
    media = tmp_path / name / "media"
    media.mkdir(parents=True)
    url = services.redis_url()
    return servers.web_env(MEDIA_ROOT=str(media), REDIS_URL=url, CELERY_BROKER_URL=url, LOG_LEVEL="INFO", **storage_env)


def _wait_extracted(pks, processes, timeout=90):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        pending = IntranetDocument.objects.filter(pk__in=pks, extraction_status=ExtractionStatus.PENDING)
        if not pending.exists():
            return
        assert all(p.poll() is None for p in processes), "un processus s'est arrêté"
        time.sleep(0.3)
    raise AssertionError("extraction non faite à temps")


def test_upload_on_web_a_downloads_on_web_b_and_any_worker_extracts(member, object_storage, tmp_path):
    s3, bucket, storage_env = object_storage
    redis.Redis.from_url(services.redis_url()).delete("celery")  # no stale messages from an earlier run
    processes, workers, logs = [], {}, {}
    try:
        webs = []
        for name in ("web-a", "web-b"):
            port = services.free_port()
            processes.append(servers.start_gunicorn(_env(tmp_path, name, storage_env), port=port, workers=1))
            webs.append(f"http://127.0.0.1:{port}")
        for name in ("worker-a", "worker-b"):
            logs[name] = tmp_path / f"{name}.log"
            output = logs[name].open("w")
            workers[name] = servers.start_celery_worker(_env(tmp_path, name, storage_env), name, output=output)
            processes.append(workers[name])
        web_a, web_b = webs

        session = servers.login(web_a, "membre-echelle", PASSWORD)
        files = {f"note-{i}.docx": corpus.docx_bytes(f"Compte rendu numéro {i} du comité hydrogène") for i in range(4)}
        results = []
        for filename, data in files.items():
            results += servers.upload(session, web_a, member.slug, filename, data)
        pks = [result["id"] for result in results]
        _wait_extracted(pks, processes)

        for pk, (filename, data) in zip(pks, files.items(), strict=True):
            document = IntranetDocument.objects.get(pk=pk)
            assert document.extraction_status == ExtractionStatus.DONE, document.extraction_error
            number = filename.split("-")[1].split(".")[0]
            assert f"Compte rendu numéro {number}" in document.extracted_text
            # Same session cookie on the other web process: sessions live in the database.
            download = session.get(web_b + document.url, timeout=15)
            assert download.status_code == 200 and download.content == data
            assert not download.history  # streamed by Django, not redirected to the bucket
            assert bucket not in download.text and bucket not in str(download.headers)
            s3.head_object(Bucket=bucket, Key=document.file.name)

        # Nothing was written to any process's own disk.
        assert not [p for p in tmp_path.glob("*/media/**/*") if p.is_file()]
    finally:
        for process in processes:
            if process in workers.values():
                servers.stop_celery_worker(process)
            else:
                servers.stop(process)

    # Which worker ran each extraction, from the workers' own logs: every document exactly once.
    ran = {
        name: [int(pk) for pk in re.findall(r"document (\d+): extraction", log.read_text())]
        for name, log in logs.items()
    }
    print("extractions par worker :", ran)
    assert sorted(pk for done in ran.values() for pk in done) == sorted(pks)
