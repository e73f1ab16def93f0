from oscar.apps.dashboard.orders import apps


class OrdersDashboardConfig(apps.OrdersDashboardConfig):
    """Oscar's order dashboard without its status actions (see ``views``)."""

    name = "marketplace.dashboard"

    def ready(self):
        super().ready()
        from marketplace.dashboard import views

        self.order_list_view = views.OrderListView
        self.order_detail_view = views.OrderDetailView
