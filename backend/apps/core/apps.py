from django.apps import AppConfig


class CoreConfig(AppConfig):
    name = "apps.core"
    label = "core"

    def ready(self) -> None:
        from django.urls import register_converter

        from .limits import IdConverter

        register_converter(IdConverter, "id")  # before any URLconf is loaded: every app's urls.py uses <id:...>

        from .strings import database_guard_install

        database_guard_install()
