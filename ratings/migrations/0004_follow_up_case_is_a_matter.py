"""The follow-up case is a matter now (``matters`` migration 0003 moved every case): the model goes."""

from django.db import migrations


class Migration(migrations.Migration):
    dependencies = [
        ("matters", "0003_follow_up_cases_become_matters"),
        ("ratings", "0003_ratings_kept"),
    ]

    operations = [migrations.DeleteModel(name="FollowUpCase")]
