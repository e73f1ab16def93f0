from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _

from marketplace.notifications.forms import NoticeLanguageForm

RECENT = 20


@login_required
def notice_settings(request):
    """The language of the resident's emails and text messages, and what was last sent to them."""
    form = NoticeLanguageForm(request.POST or None, instance=request.user)
    if request.method == "POST" and form.is_valid():
        form.save()
        messages.success(request, _("Your emails and text messages will be in the language you chose."))
        return redirect("notice-settings")
    notices = request.user.notices.select_related("booking")[:RECENT]
    return render(request, "notifications/notice_settings.html", {"form": form, "notices": notices})
