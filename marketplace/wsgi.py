import os

from django.core.wsgi import get_wsgi_application

# A server started without DJANGO_SETTINGS_MODULE is a deployment: it gets the production settings,
# which refuse to start without the real secrets, hosts and mail, never the development ones.
# (manage.py keeps the development settings for the developer's own commands; runserver comes here
# with them already chosen.)
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "marketplace.settings.production")
application = get_wsgi_application()
