"""How the shared instrument filters read in the OpenAPI schema.

drf-spectacular guesses a filter's type from the model field behind it; ours filter by slug
(``agency``, ``topic``) or read a date (``on``), which it cannot guess, so they are described
here rather than by annotating the filter set that the HTML pages share.
"""

from django_filters import ModelMultipleChoiceFilter
from drf_spectacular.contrib.django_filters import DjangoFilterExtension
from drf_spectacular.plumbing import build_array_type, build_basic_type, build_parameter_type
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter

from policytrack.timeline.filters import IsoDateFilter


class SlugAndDateFilters(DjangoFilterExtension):
    priority = 1  # before drf-spectacular's own extension for the same backend

    def resolve_filter_field(self, auto_schema, model, filterset_class, field_name, filter_field):
        if isinstance(filter_field, IsoDateFilter):
            schema, style = build_basic_type(OpenApiTypes.DATE), {}
        elif isinstance(filter_field, ModelMultipleChoiceFilter) and filter_field.extra.get("to_field_name") == "slug":
            schema, style = build_array_type(build_basic_type(OpenApiTypes.STR)), {"explode": True, "style": "form"}
        else:
            return super().resolve_filter_field(auto_schema, model, filterset_class, field_name, filter_field)
        return [
            build_parameter_type(
                name=field_name,
                location=OpenApiParameter.QUERY,
                schema=schema,
                description=self._get_field_description(filter_field, None),
                **style,
            )
        ]
