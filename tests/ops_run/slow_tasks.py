"""A task for process tests: records that it started, then works for a long minute."""

import time

from django_tasks import task

from omni_privacy.core.models import ThrottleHit


@task()
def hold_a_minute() -> None:
    from django.utils import timezone

    ThrottleHit.objects.create(bucket="slow-task-started", at=timezone.now())
    time.sleep(60)
