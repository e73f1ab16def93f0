import django.db.models.deletion
from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ('booking', '0002_booking_moved_from_order'),
        ('notifications', '0002_rating_case_notices'),
    ]

    operations = [
        # The Booking model moved to the booking app (booking.0002); the table is the same.
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.AlterField(
                    model_name='notice',
                    name='booking',
                    field=models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.CASCADE, related_name='notices', to='booking.booking', verbose_name='booking'),
                ),
            ],
            database_operations=[],
        ),
    ]
