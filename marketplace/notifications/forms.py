from django import forms
from django.contrib.auth import get_user_model


class NoticeLanguageForm(forms.ModelForm):
    class Meta:
        model = get_user_model()
        fields = ["language"]
        widgets = {"language": forms.RadioSelect}
