from oscar.apps.dashboard import apps as dashboard_apps
from oscar.apps.dashboard.orders import apps


class DashboardConfig(dashboard_apps.DashboardConfig):
    """Oscar's dashboard whose front page is the operations view (``marketplace.operations``): its shop
    statistics (sales, stock, vouchers) are not the district's words."""

    def ready(self):
        super().ready()
        from marketplace.dashboard import views

        self.index_view = views.IndexView


class OrdersDashboardConfig(apps.OrdersDashboardConfig):
    """Oscar's order dashboard without its status actions (see ``views``)."""

    name = "marketplace.dashboard"

    def ready(self):
        super().ready()
        from marketplace.dashboard import views

        self.order_list_view = views.OrderListView
        self.order_detail_view = views.OrderDetailView
