"""Creating services and offerings: one path for the demo data, the tests and (later) editors."""

from decimal import Decimal

from django.db import transaction
from oscar.core.loading import get_model

from marketplace.booking.options import slot_option

Product = get_model("catalogue", "Product")
ProductClass = get_model("catalogue", "ProductClass")
ProductCategory = get_model("catalogue", "ProductCategory")
StockRecord = get_model("partner", "StockRecord")

PUBLIC_SERVICE_SLUG = "public-service"


def public_service_class():
    """The product class of every service: nothing shipped, no stock counted, a slot required."""
    product_class, _created = ProductClass.objects.get_or_create(
        slug=PUBLIC_SERVICE_SLUG,
        defaults={"name": "公共服务", "requires_shipping": False, "track_stock": False},
    )
    option = slot_option()
    if not product_class.options.filter(pk=option.pk).exists():
        product_class.options.add(option)
    return product_class


@transaction.atomic
def create_service(title, category, **fields):
    product = Product.objects.create(
        title=title, product_class=public_service_class(), structure=Product.STANDALONE, **fields
    )
    if category is not None:
        ProductCategory.objects.create(product=product, category=category)
    return product


def add_offering(service, provider, price=Decimal("0.00"), sku=None):
    """This provider offers this service at this price (an Oscar stock record)."""
    return StockRecord.objects.create(
        product=service,
        partner=provider,
        partner_sku=sku or f"S{service.pk}-P{provider.pk}",
        price=Decimal(price),
        price_currency="CNY",
    )
