"""API tokens: log in with username/password for a hashed, expiring knox token; log out; revocation.

A token dies with the password it was issued against: changing the password or disabling the
account deletes every token of the user (the receivers below run on any save of a User).
"""

from __future__ import annotations

from django.conf import settings
from django.contrib.auth import authenticate, get_user_model
from django.db import transaction
from django.db.models.signals import post_save, pre_save
from django.dispatch import receiver
from drf_spectacular.utils import extend_schema, inline_serializer
from knox.models import AuthToken
from rest_framework import serializers
from rest_framework.permissions import AllowAny, IsAuthenticated
from rest_framework.response import Response
from rest_framework.throttling import ScopedRateThrottle
from rest_framework.views import APIView

from audit import trail as audit

from .errors import ErrorSerializer

User = get_user_model()


class LoginSerializer(serializers.Serializer):
    # Bounded before authenticate(): django-axes stores the username it is given (max 150, members.views).
    username = serializers.CharField(label="用户名", max_length=150)
    password = serializers.CharField(
        label="密码", style={"input_type": "password"}, trim_whitespace=False, max_length=4096
    )
    otp = serializers.CharField(
        label="双因素验证码",
        required=False,
        allow_blank=True,
        help_text="提案委、审查、督办领导和管理员必填：身份验证器上的 6 位验证码（每个验证码只能用一次）",
    )

    def validate(self, attrs):
        request = self.context.get("request")
        # The plain HttpRequest: django-axes flags a lockout on it for AxesMiddleware to answer.
        user = authenticate(
            request=getattr(request, "_request", request), username=attrs["username"], password=attrs["password"]
        )
        if user is None or not user.is_active:
            raise serializers.ValidationError("用户名或密码不正确，或账号已停用。", code="invalid_credentials")
        attrs["user"] = user
        return attrs


TokenSerializer = inline_serializer("Token", {"token": serializers.CharField(), "expiry": serializers.DateTimeField()})


class TokenView(APIView):
    """用户名和密码换取令牌；在请求头中使用 `Authorization: Token <token>`。"""

    authentication_classes: list = []
    permission_classes = [AllowAny]
    throttle_classes = [ScopedRateThrottle]
    throttle_scope = "api_token"

    @extend_schema(
        operation_id="auth_token_create",
        request=LoginSerializer,
        tags=["auth"],
        responses={200: TokenSerializer, 400: ErrorSerializer, 403: ErrorSerializer, 429: ErrorSerializer},
    )
    def post(self, request):
        serializer = LoginSerializer(data=request.data, context={"request": request})
        valid = serializer.is_valid()
        if getattr(request._request, "axes_locked_out", False):
            from members.views import lockout_message

            return Response({"detail": lockout_message(), "code": "locked_out"}, status=429)
        if not valid:
            username = request.data.get("username", "") if hasattr(request.data, "get") else ""
            with transaction.atomic():
                audit.record(
                    "api_login",
                    actor_label=str(username)[:150],
                    outcome="refused",
                    data={"reason": "invalid_credentials"},
                )
            serializer.is_valid(raise_exception=True)
        user = serializer.validated_data["user"]
        refusal = second_factor_refusal(request, user, serializer.validated_data.get("otp", ""))
        if refusal is not None:
            return refusal
        with transaction.atomic():
            instance, token = AuthToken.objects.create(user, settings.REST_KNOX["TOKEN_TTL"])
            audit.record("api_login", actor=user, data={"token": instance.token_key})
        return Response({"token": token, "expiry": instance.expiry})


def second_factor_refusal(request, user, otp: str) -> Response | None:
    """Staff, reviewers, leaders and administrators also give a TOTP code (accepted once);
    an administrator-issued or expired password must first be changed on the web."""
    from members import passwords, signals, twofactor

    if twofactor.requires_2fa(user) or twofactor.confirmed_device(user) is not None:
        device = twofactor.confirmed_device(user)
        if device is None:
            return Response(
                {"detail": "该账号须使用双因素登录，请先在网页上绑定身份验证器。", "code": "otp_required"}, status=400
            )
        if not (otp or "").strip():
            return Response({"detail": "请填写身份验证器上的 6 位验证码（otp）。", "code": "otp_required"}, status=400)
        if not device.verify_token(otp.strip()):
            signals.on_otp_failed(user, request._request)
            return Response({"detail": "验证码不正确或已使用。", "code": "otp_invalid"}, status=400)
    reason = passwords.change_required_reason(user)
    if reason:
        return Response(
            {"detail": f"{reason}（请在网页上修改后再申请令牌）", "code": "password_change_required"}, status=403
        )
    return None


class LogoutView(APIView):
    """撤销当前令牌。"""

    permission_classes = [IsAuthenticated]

    @extend_schema(
        operation_id="auth_logout",
        request=None,
        tags=["auth"],
        responses={204: None, 401: ErrorSerializer, 403: ErrorSerializer},
    )
    def post(self, request):
        if isinstance(request.auth, AuthToken):
            request.auth.delete()
        return Response(status=204)


@receiver(pre_save, sender=User)
def _remember_credentials(sender, instance, **kwargs) -> None:
    if instance.pk is None:
        return
    old = User.objects.filter(pk=instance.pk).values("password", "is_active").first()
    instance._tokens_revoked = bool(old) and (
        old["password"] != instance.password or (old["is_active"] and not instance.is_active)
    )


@receiver(post_save, sender=User)
def _revoke_tokens(sender, instance, created, **kwargs) -> None:
    if not created and getattr(instance, "_tokens_revoked", False):
        AuthToken.objects.filter(user=instance).delete()
        instance._tokens_revoked = False
