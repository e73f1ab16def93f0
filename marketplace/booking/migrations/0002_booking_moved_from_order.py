import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models


def _relabel(apps, old, new):
    # Permissions and admin log entries point at the content type: keep them.
    ContentType = apps.get_model("contenttypes", "ContentType")
    if not ContentType.objects.filter(app_label=new, model="booking").exists():
        ContentType.objects.filter(app_label=old, model="booking").update(app_label=new)


def move_content_type(apps, schema_editor):
    _relabel(apps, "order", "booking")


def move_content_type_back(apps, schema_editor):
    _relabel(apps, "booking", "order")


class Migration(migrations.Migration):

    dependencies = [
        ('booking', '0001_waitlist_entry'),
        ('contenttypes', '0002_remove_content_type_name'),
        ('order', '0025_booking_dependant'),
        ('partner', '0013_community_centre_and_population'),
        ('users', '0005_user_elderly_mode'),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        # Booking moves from Oscar's order fork to the booking domain. Its table,
        # rows, constraints and foreign keys stay exactly as they are
        # (``order_booking``): only Django's idea of which app owns it changes.
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.CreateModel(
                    name='Booking',
                    fields=[
                        ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                        ('code', models.CharField(max_length=16, unique=True, verbose_name='booking code')),
                        ('status', models.CharField(choices=[('pending_payment', 'Awaiting payment'), ('booked', 'Booked'), ('confirmed', 'Confirmed'), ('checked_in', 'Checked in'), ('no_show', 'No-show'), ('cancelled', 'Cancelled')], default='booked', max_length=20, verbose_name='status')),
                        ('note', models.CharField(blank=True, max_length=200, verbose_name='note')),
                        ('channel', models.CharField(choices=[('online', 'Booked online'), ('counter', 'Booked at the counter')], default='online', max_length=10, verbose_name='booked')),
                        ('hold_expires_at', models.DateTimeField(blank=True, help_text='A booking awaiting payment holds its place until then; afterwards the place is free again.', null=True, verbose_name='place held until')),
                        ('consent_at', models.DateTimeField(blank=True, help_text='When the resident, present at the counter, agreed that staff book for them.', null=True, verbose_name='consent recorded at')),
                        ('created_at', models.DateTimeField(auto_now_add=True, verbose_name='booked at')),
                        ('cancelled_at', models.DateTimeField(blank=True, null=True, verbose_name='cancelled at')),
                        ('cancelled_by', models.CharField(blank=True, choices=[('resident', 'Resident'), ('provider', 'Provider')], max_length=10, verbose_name='cancelled by')),
                        ('cancel_reason', models.CharField(blank=True, max_length=200, verbose_name='reason for cancelling')),
                        ('booked_by', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.SET_NULL, related_name='counter_bookings', to=settings.AUTH_USER_MODEL, verbose_name='booked by (staff)')),
                        ('dependant', models.ForeignKey(blank=True, help_text='The person served, when the resident booked for a dependant rather than for themselves.', null=True, on_delete=django.db.models.deletion.RESTRICT, related_name='bookings', to='users.dependant', verbose_name='for dependant')),
                        ('line', models.OneToOneField(on_delete=django.db.models.deletion.CASCADE, related_name='booking', to='order.line')),
                        ('order', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='bookings', to='order.order')),
                        ('slot', models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='bookings', to='partner.slot', verbose_name='slot')),
                        ('user', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='bookings', to=settings.AUTH_USER_MODEL, verbose_name='resident')),
                    ],
                    options={
                        'verbose_name': 'booking',
                        'verbose_name_plural': 'bookings',
                        'db_table': 'order_booking',
                        'ordering': ['-created_at', '-pk'],
                    },
                ),
                migrations.AlterField(
                    model_name='waitlistentry',
                    name='booking',
                    field=models.OneToOneField(blank=True, null=True, on_delete=django.db.models.deletion.SET_NULL, related_name='waitlist_entry', to='booking.booking', verbose_name='booking made from the offer'),
                ),
                migrations.AddConstraint(
                    model_name='booking',
                    constraint=models.UniqueConstraint(condition=models.Q(('dependant__isnull', True), ('status__in', ['pending_payment', 'booked', 'confirmed', 'checked_in'])), fields=('slot', 'user'), name='booking_one_active_per_resident_and_slot'),
                ),
                migrations.AddConstraint(
                    model_name='booking',
                    constraint=models.UniqueConstraint(condition=models.Q(('dependant__isnull', False), ('status__in', ['pending_payment', 'booked', 'confirmed', 'checked_in'])), fields=('slot', 'dependant'), name='booking_one_active_per_dependant_and_slot'),
                ),
            ],
            database_operations=[],
        ),
        migrations.RunPython(move_content_type, move_content_type_back, elidable=False),
    ]
