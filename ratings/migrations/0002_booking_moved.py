import django.db.models.deletion
from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ('booking', '0002_booking_moved_from_order'),
        ('ratings', '0001_initial'),
    ]

    operations = [
        # The Booking model moved to the booking app (booking.0002); the table is the same.
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.AlterField(
                    model_name='rating',
                    name='booking',
                    field=models.OneToOneField(on_delete=django.db.models.deletion.CASCADE, related_name='rating', to='booking.booking', verbose_name='booking'),
                ),
            ],
            database_operations=[],
        ),
    ]
