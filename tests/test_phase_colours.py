"""Different states look different, and never by colour alone."""

import re

from django.urls import reverse

from conftest import ROOT, text
from policytrack.timeline import engine


def test_every_phase_has_its_own_colour():
    css = (ROOT / "static" / "css" / "site.css").read_text()
    colours = {}
    for phase in engine.PHASES:
        rule = re.search(rf"\.phase-{phase} {{ --c: (#[0-9a-f]{{6}}); --bg: (#[0-9a-f]{{6}});", css)
        assert rule, phase
        colours[phase] = rule.groups()
    assert len({c for c, _ in colours.values()}) == len(engine.PHASES)
    assert len({bg for _, bg in colours.values()}) == len(engine.PHASES)


def test_ended_and_held_back_phases_differ_by_outline_as_well():
    css = (ROOT / "static" / "css" / "site.css").read_text()
    assert (
        ".badge.phase-rescinded, .badge.phase-vacated, .badge.phase-expired, .badge.phase-superseded, "
        ".badge.phase-withdrawn { border-style: dashed; }" in css
    )
    assert ".badge.phase-not_enforced, .badge.phase-suspended, .badge.phase-stayed { border-style: dotted;" in css


def test_the_drawing_marks_held_back_bands_with_a_pattern_and_says_so(demo, client):
    response = client.get(reverse("web:instrument_detail", args=["ai-diffusion-rule"]), {"on": "2025-05-20"})
    html = response.content.decode()
    assert 'class="pattern pattern-held"' in html
    assert 'role="img"' not in html.split('<figure class="drawing">')[1].split("</svg>")[0][:400]
    assert "dotted: in force but held back; hatched: ended" in text(response)
