import pytest

from collabcity import registry
from collabcity.celery import app as celery_app


def test_every_programme_registers_its_periodic_tasks_with_the_celery_app():
    schedule = celery_app.conf.beat_schedule
    expected = {"deliver-pending-notifications", "accordi-daily", "consulte-tally-due-elections"}
    assert expected <= set(schedule)
    assert any(name.startswith("volontariato") for name in schedule)


def test_demo_loaders_run_after_the_programmes_they_build_on():
    order = [loader.app_label for loader in registry.demo_loaders()]
    assert order == ["centri_sociali", "accordi", "volontariato", "consulte", "accordi.proposals"]


def test_demo_loaders_waiting_on_each_other_are_refused(monkeypatch):
    monkeypatch.setattr(
        registry,
        "registry",
        registry.Registry(
            demo_loaders=[
                registry.DemoLoader("a", print, after=("b",)),
                registry.DemoLoader("b", print, after=("a",)),
            ]
        ),
    )
    with pytest.raises(RuntimeError, match="wait on each other"):
        registry.demo_loaders()
