"""``field__any=[…]`` (policytrack/timeline/lookups.py) finds what ``__in`` finds, on both databases."""

from django.db import connection

from policytrack.timeline.models import Claim, Event, Instrument


def test_any_finds_what_in_finds_for_lists_querysets_and_nothing(demo):
    some = list(Instrument.objects.order_by("pk").values_list("pk", flat=True)[:3])
    assert sorted(Instrument.objects.filter(pk__any=some).values_list("pk", flat=True)) == some
    assert set(Event.objects.filter(instrument_id__any=some)) == set(Event.objects.filter(instrument_id__in=some))
    assert set(Claim.objects.filter(event__instrument_id__any=some)) == set(
        Claim.objects.filter(event__instrument_id__in=some)
    )
    chosen = Instrument.objects.filter(pk__in=some[:1]).values("pk")
    assert list(Event.objects.filter(instrument__any=chosen)) == list(Event.objects.filter(instrument__in=chosen))
    assert not Instrument.objects.filter(pk__any=[]).exists()


def test_any_binds_a_list_as_one_value_on_postgresql(demo):
    query = Instrument.objects.filter(pk__any=[1, 2, 3]).values("pk").query
    sql, params = query.sql_with_params()
    if connection.vendor == "postgresql":
        assert "= ANY(%s)" in sql and params == ([1, 2, 3],)
    else:
        assert " IN (%s, %s, %s)" in sql and params == (1, 2, 3)
