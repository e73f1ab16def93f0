from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _

from marketplace.notifications import sms
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


def sandbox_sms(request):
    """Development only: the text messages the sandbox gateway kept (sign-in codes among them), newest first,
    numbers masked. 404 wherever a real gateway is set or DEBUG is off (production)."""
    if not sms.sandbox_page_on():
        raise Http404
    response = render(request, "notifications/sandbox_sms.html", {"messages_sent": sms.sandbox_messages()})
    response["Cache-Control"] = "no-store"
    return response
