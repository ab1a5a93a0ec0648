"""Queueing a Celery task by its name (tasks/jobs.py names each one), so that the domain imports nothing
from tasks/: the services sit below the tasks that call them (STYLE.md's layers, pyproject.toml's contracts).

Call it after commit (``transaction.on_commit``): the task reads only committed rows.
"""

from celery import current_app


def queue_task(name: str, *args) -> None:
    """Hand the task called ``name`` its arguments: to the broker, or in-process when tasks run eagerly.

    Celery runs ``send_task`` eagerly under no setting, so in-process (``make run``, the tests'
    default: CELERY_TASK_ALWAYS_EAGER) the task is looked up by its name and run here, as
    ``.delay()`` would. A broker that cannot be reached raises, as ``.delay()`` does.
    """
    app = current_app
    if app.conf.task_always_eager:
        if name not in app.tasks:
            # The tasks' modules, imported as a worker imports them on start (Celery's autodiscovery).
            app.loader.import_default_modules()
        app.tasks[name].apply_async(args)
        return
    app.send_task(name, args=args)
