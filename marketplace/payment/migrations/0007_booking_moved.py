import django.db.models.deletion
from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ('booking', '0002_booking_moved_from_order'),
        ('payment', '0006_gateway_payments'),
    ]

    operations = [
        # The Booking model moved to the booking app (booking.0002); the table is the same.
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.AlterField(
                    model_name='gatewaypayment',
                    name='booking',
                    field=models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='payments', to='booking.booking', verbose_name='booking'),
                ),
            ],
            database_operations=[],
        ),
    ]
