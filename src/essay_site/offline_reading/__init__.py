"""The ``offline_reading`` MkDocs plugin: a service worker keeps the whole site for readers."""
