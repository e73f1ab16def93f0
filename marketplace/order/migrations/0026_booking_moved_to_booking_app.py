from django.db import migrations


class Migration(migrations.Migration):

    dependencies = [
        ('booking', '0002_booking_moved_from_order'),
        ('notifications', '0003_booking_moved'),
        ('order', '0025_booking_dependant'),
        ('payment', '0007_booking_moved'),
        ('ratings', '0002_booking_moved'),
    ]

    operations = [
        # The Booking model moved to the booking app (booking.0002); the table is the same.
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.DeleteModel(
                    name='Booking',
                ),
            ],
            database_operations=[],
        ),
    ]
