from django.apps import AppConfig


class DemoConfig(AppConfig):
    """The demo: users, a text-classification project with synthetic data, and the feedback simulator."""

    name = "apps.demo"
    label = "demo"
