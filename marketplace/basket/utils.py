from oscar.apps.basket import utils as core_utils
from oscar.apps.basket.utils import *  # noqa: F403


class BasketMessageGenerator(core_utils.BasketMessageGenerator):
    def get_new_total_messages(self, basket, include_buttons=True):
        # A booking's price is shown on the confirmation step; a running
        # "basket total" with shop buttons only confuses residents.
        return []
