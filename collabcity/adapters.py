import logging
import smtplib

from allauth.account.adapter import DefaultAccountAdapter
from allauth.core import context
from django.contrib import messages
from django.utils.translation import gettext as _

logger = logging.getLogger(__name__)


class AccountAdapter(DefaultAccountAdapter):
    def send_mail(self, template_prefix: str, email: str, context_data: dict) -> None:
        # A mail server that is down must not turn a sign-up or a password reset into a 500:
        # the account is saved, and the person can ask for the e-mail again.
        try:
            super().send_mail(template_prefix, email, context_data)
        except (smtplib.SMTPException, OSError):
            logger.exception("E-mail %s to %s not sent", template_prefix, email)
            messages.error(
                context.request,
                _("Non siamo riusciti a inviare l'e-mail a %(email)s. Riprova tra qualche minuto.")
                % {"email": email},
            )
