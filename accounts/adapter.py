"""Who may sign in: verified Google accounts of ACCOUNT_ALLOWED_DOMAIN, nobody else.

Google puts the account's Workspace domain in the ID token's ``hd`` claim (absent for
gmail.com and other consumer accounts); both it and the verified address's domain must
be the allowed domain. Anything else is answered with the refusal page before allauth
creates or signs in any account.
"""

from allauth.account.adapter import DefaultAccountAdapter
from allauth.core.exceptions import ImmediateHttpResponse
from allauth.socialaccount.adapter import DefaultSocialAccountAdapter
from django.conf import settings
from django.shortcuts import render


def claims_of(sociallogin) -> dict:
    data = sociallogin.account.extra_data or {}
    return data.get("id_token") or data.get("userinfo") or data


def refusal_reason(claims: dict, domain: str) -> str | None:
    """Why these ID token claims cannot sign in, or None when they can."""
    email = str(claims.get("email") or "").strip().lower()
    if not email or "@" not in email:
        return "Google did not tell us the account's email address."
    if claims.get("email_verified") not in (True, "true"):
        return f"Google has not verified {email}."
    if email.rpartition("@")[2] != domain:
        return f"{email} is not a {domain} address."
    if str(claims.get("hd") or "").lower() != domain:
        return f"{email} is not managed by {domain}'s Google Workspace."
    return None


class BerkeleySocialAccountAdapter(DefaultSocialAccountAdapter):
    def pre_social_login(self, request, sociallogin):
        domain = settings.ACCOUNT_ALLOWED_DOMAIN
        claims = claims_of(sociallogin)
        reason = refusal_reason(claims, domain)
        if reason:
            context = {"reason": reason, "domain": domain, "email": claims.get("email") or ""}
            raise ImmediateHttpResponse(render(request, "accounts/refused.html", context, status=403))
        super().pre_social_login(request, sociallogin)

    def is_open_for_signup(self, request, sociallogin):
        return True


class AccountAdapter(DefaultAccountAdapter):
    """allauth's "Successfully signed in" messages are left out: most pages a student
    lands on are served from the page cache, where a message must never be rendered."""

    def add_message(self, *args, **kwargs):
        return None
