"""The REST API (Django REST Framework): thin views over the register's selectors and services."""
