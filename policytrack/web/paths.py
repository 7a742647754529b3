"""Addresses of many rows at once."""

from django.urls import reverse


def path_maker(name, placeholder):
    """A function giving ``reverse(name, args=[value])`` for any value, reversing once: a page of
    fifty rows with a hundred links otherwise spends milliseconds in the URL resolver."""
    path = reverse(name, args=[placeholder])
    return lambda value: path.replace(str(placeholder), str(value), 1)
